"""Writes of the accounts app: users, and the refresh tokens of their sessions."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User


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


class _RefreshToken(RefreshToken):
    """simplejwt's refresh token without its own blacklist query: ``refresh_token_use`` checks
    the blacklist together with the token's row and user, in one read."""

    def check_blacklist(self) -> None:
        pass


def refresh_token_use(*, token: str) -> dict[str, str]:
    """A new access token for a refresh token, and (with ``ROTATE_REFRESH_TOKENS``) the rotated
    refresh token, the old one revoked. Raises ``TokenError`` for an invalid, expired or revoked
    token, or one whose user is gone or inactive.

    simplejwt's own serializer loads the user three times and runs two ``get_or_create``: this
    reads the token's outstanding row with its blacklist entry and user in one query, then
    inserts the blacklist row and the rotated token's row in one transaction. The blacklist row is
    unique per token, so of two refreshes of the same token racing, only one succeeds.
    """
    refresh = _RefreshToken(token)  # type: ignore[arg-type]
    jti = refresh[jwt_settings.JTI_CLAIM]
    outstanding = (
        OutstandingToken.objects.select_related("user", "blacklistedtoken").filter(jti=jti).first()
    )
    if outstanding is not None and hasattr(outstanding, "blacklistedtoken"):
        raise TokenError("Token is blacklisted")
    user = _token_user(refresh, outstanding)

    data = {"access": str(refresh.access_token)}
    if not jwt_settings.ROTATE_REFRESH_TOKENS:
        return data
    try:
        with transaction.atomic():
            if jwt_settings.BLACKLIST_AFTER_ROTATION:
                if outstanding is None:  # issued without being recorded: record it now
                    outstanding = _outstanding_create(refresh, token=token, user=user)
                BlacklistedToken.objects.create(token=outstanding)
            refresh.set_jti()
            refresh.set_exp()
            refresh.set_iat()
            data["refresh"] = str(refresh)
            _outstanding_create(refresh, token=data["refresh"], user=user)
    except IntegrityError as exc:  # a concurrent refresh of this token blacklisted it first
        raise TokenError("Token is blacklisted") from exc
    return data


def _token_user(refresh: RefreshToken, outstanding: OutstandingToken | None) -> User | None:
    """The token's user, checked as simplejwt does; None when the token names no user."""
    user_id = refresh.get(jwt_settings.USER_ID_CLAIM)
    if not user_id:
        return None
    user = outstanding.user if outstanding is not None else None
    if user is None or str(getattr(user, jwt_settings.USER_ID_FIELD)) != str(user_id):
        user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
        raise TokenError("User is gone or inactive")
    return user


def _outstanding_create(
    refresh: RefreshToken, *, token: str, user: User | None
) -> OutstandingToken:
    return OutstandingToken.objects.create(
        jti=refresh[jwt_settings.JTI_CLAIM],
        user=user,
        token=token,
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )


def refresh_token_blacklist(*, token: str) -> None:
    """Revoke a refresh token (logout). Raises ``TokenError`` if it is already invalid."""
    RefreshToken(token).blacklist()  # type: ignore[arg-type]
