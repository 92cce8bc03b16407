"""Writes of the accounts app: users, and the refresh tokens of their sessions."""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.conf import accounts_settings
from accounts.models import RotatedRefreshToken, User
from accounts.tokens import SessionRefreshToken, outstanding_create, token_version


@transaction.atomic
def user_create(*, username: str, email: str, password: str) -> User:
    """Create an active user; raises django ``ValidationError`` on bad data or a weak password
    (the configured validators, reported on ``password``)."""
    user = User(username=username, email=User.objects.normalize_email(email))
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        user.full_clean()  # a concurrent duplicate is visible now: report it per field
        raise
    return user


def session_tokens(*, user: User) -> dict[str, str]:
    """A new pair for the user (login, a password change): ``{"refresh", "access"}``."""
    refresh = SessionRefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


def rotation_enabled() -> bool:
    """``ACCOUNTS['ROTATE_REFRESH_TOKENS']``; by default on in cookie mode only (the browser
    keeps the newest cookie), off otherwise (the contract: refresh answers ``{"access"}``)."""
    rotate = accounts_settings.ROTATE_REFRESH_TOKENS
    return accounts_settings.JWT_COOKIE_MODE if rotate is None else bool(rotate)


def refresh_token_use(*, token: str) -> dict[str, str]:
    """A new access token for a refresh token, and with rotation the refresh token that replaces
    it. Raises ``TokenError`` for an invalid, expired or revoked token, one whose user is gone
    or inactive, or one issued before the user's tokens were revoked.

    Without rotation a refresh token serves until it expires or is revoked (logout). With it, a
    replaced token is still accepted for ``ACCOUNTS['ROTATION_GRACE_SECONDS']`` (tabs refreshing
    in parallel, each getting a token of its own); used later, it is a reuse: someone kept a
    copy, and every token of the user is revoked. One query reads the token's row with its
    blacklist entry, rotation and user; a rotation then writes its row and the new token's.
    """
    refresh = SessionRefreshToken(token)  # type: ignore[arg-type]  # simplejwt says Token: a str
    outstanding = (
        OutstandingToken.objects.select_related("user", "blacklistedtoken", "rotation")
        .filter(jti=refresh[jwt_settings.JTI_CLAIM])
        .first()
    )
    if outstanding is not None and hasattr(outstanding, "blacklistedtoken"):
        raise TokenError("Token is blacklisted")
    user = _token_user(refresh, outstanding)
    data = {"access": str(refresh.access_token)}
    if outstanding is not None and hasattr(outstanding, "rotation"):
        _check_grace(outstanding.rotation, user)
    elif not rotation_enabled():
        return data
    else:
        try:
            with transaction.atomic():
                if outstanding is None:  # issued without being recorded: record it now
                    outstanding = outstanding_create(refresh, user=user)
                RotatedRefreshToken.objects.create(token=outstanding)
        except IntegrityError:  # a parallel refresh of this token rotated it a moment ago
            pass
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    outstanding_create(refresh, user=user)
    return {**data, "refresh": str(refresh)}


def _check_grace(rotation: RotatedRefreshToken, user: User | None) -> None:
    grace = datetime.timedelta(seconds=accounts_settings.ROTATION_GRACE_SECONDS)
    if timezone.now() - rotation.rotated_at <= grace:
        return
    if user is not None:
        tokens_revoke(user=user)
    raise TokenError("Token was reused after rotation: every token of its user is revoked")


def tokens_revoke(*, user: User) -> None:
    """Revoke every access and refresh token issued to the user so far."""
    user.token_version += 1
    user.save(update_fields=["token_version"])


def _token_user(refresh: Token, outstanding: OutstandingToken | None) -> User | None:
    """The token's user, checked as simplejwt does and against the user's token version; None
    when the token names no user."""
    user_id = refresh.get(jwt_settings.USER_ID_CLAIM)
    if not user_id:
        return None
    user = outstanding.user if outstanding is not None else None
    if user is None or str(getattr(user, jwt_settings.USER_ID_FIELD)) != str(user_id):
        user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
        raise TokenError("User is gone or inactive")
    if token_version(refresh) != user.token_version:
        raise TokenError("Token was revoked")
    if jwt_settings.CHECK_REVOKE_TOKEN and refresh.get(
        jwt_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        raise TokenError("The user's password has changed")
    return user


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> dict[str, str]:
    """Set a new password (checked by the configured validators) and answer a fresh pair:
    every other token of the user is revoked. Raises ``ValidationError`` on ``current_password``
    or ``new_password``."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": "Your current password is not correct."})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])  # moves the token version on
    return session_tokens(user=user)


def refresh_token_blacklist(*, token: str) -> None:
    """Revoke a refresh token (logout). Raises ``TokenError`` if it is already invalid."""
    RefreshToken(token).blacklist()  # type: ignore[arg-type]  # simplejwt says Token; it is a str
