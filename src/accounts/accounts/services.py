"""Writes of the accounts app: users, and the refresh tokens of their sessions."""

import datetime
import hashlib
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts import emails, tasks
from accounts.conf import accounts_settings
from accounts.models import RotatedRefreshToken, User
from accounts.selectors import user_export_parts
from accounts.signals import user_deleting
from accounts.tokens import SessionRefreshToken, outstanding_create, token_version
from core import jobs


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


def _new_password_set(user: User, new_password: str) -> None:
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])  # moves the token version on: every token revoked


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> dict[str, str]:
    """Set a new password (checked by the configured validators) and answer a fresh pair:
    every other token of the user is revoked. Raises ``ValidationError`` on ``current_password``
    or ``new_password``."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": "Your current password is not correct."})
    _new_password_set(user, new_password)
    return session_tokens(user=user)


def refresh_token_blacklist(*, token: str) -> None:
    """Revoke a refresh token (logout). Raises ``TokenError`` if it is already invalid."""
    RefreshToken(token).blacklist()  # type: ignore[arg-type]  # simplejwt says Token; it is a str


INVALID_LINK = "The link is invalid, expired or already used."


def password_reset_request(*, email: str) -> None:
    """Queue the reset e-mail for this address (``tasks.password_reset_email``: the worker sends
    it if an active account has the address), unless the address got
    ``ACCOUNTS['PASSWORD_RESET_EMAILS_PER_HOUR']`` requests this hour. The request does the same
    work whether or not the address has an account: the caller answers alike, in the same time."""
    if _reset_email_allowed(email):
        jobs.delay_on_commit(tasks.password_reset_email, email.strip())


def _reset_email_allowed(email: str) -> bool:
    """Count a reset request for the address (normalised: trimmed, case-folded) in a one-hour
    window of the default cache; with the cache down, allowed (the per-client throttle still
    counts)."""
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    key = f"accounts_password_reset_{digest}"
    try:
        cache.add(key, 0, timeout=3600)
        count = cache.incr(key)
    except Exception:  # a missing key (evicted) or the cache down
        return True
    limit: int = accounts_settings.PASSWORD_RESET_EMAILS_PER_HOUR
    return int(count) <= limit


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> None:
    """Set the password of the link's user (checked by the configured validators): every token
    of the user is revoked, and the link stops working (its token covers the password hash).
    Raises ``ValidationError`` on ``token`` for a bad link, on ``new_password`` for a weak one."""
    user = emails.user_for_uid(uid)
    if user is None or not user.is_active or not default_token_generator.check_token(user, token):
        raise ValidationError({"token": INVALID_LINK})
    with transaction.atomic():
        _new_password_set(user, new_password)


def email_verification_send(*, user: User) -> None:
    """E-mail the user a link that verifies their current address (queued: the worker sends it
    once the current transaction has committed)."""
    jobs.delay_on_commit(tasks.email_verification_email, user.pk)


def email_verify(*, uid: str, token: str) -> User:
    """Mark the address of the link's user verified. Raises ``ValidationError`` on ``token`` for
    a bad, expired or used link, or one sent to an address the user has changed since."""
    user = emails.user_for_uid(uid)
    generator = emails.email_verification_token_generator
    if user is None or not user.is_active or not generator.check_token(user, token):
        raise ValidationError({"token": INVALID_LINK})
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def email_verification_resend(*, user: User) -> bool:
    """A new verification link for the user's address; False (nothing sent) if it is verified
    already."""
    if user.email_verified_at is not None:
        return False
    email_verification_send(user=user)
    return True


def user_email_change(*, user: User, email: str, password: str) -> User:
    """Change the user's address (the password confirms it): unverified until the link sent
    to the new address is followed. Raises ``ValidationError`` on ``password`` or ``email``
    (taken, regardless of case)."""
    if not user.check_password(password):
        raise ValidationError({"password": "Your password is not correct."})
    email = User.objects.normalize_email(email)
    if email == user.email:
        return user
    taken = ValidationError({"email": "A user with that email address already exists."})
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise taken
    user.email = email
    user.email_verified_at = None
    user.email_changed_at = timezone.now()  # earlier links fail, even back to a former address
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at", "email_changed_at"])
    except IntegrityError as exc:  # a concurrent change to the same address
        raise taken from exc
    email_verification_send(user=user)
    return user


def user_delete(*, user: User, password: str) -> None:
    """Delete the account and everything of it, in one transaction: each app removes its rows
    on ``accounts.signals.user_deleting`` (or by a foreign-key cascade), accounts its refresh
    tokens and login records. Raises ``ValidationError`` on ``password`` if it is wrong."""
    if not user.check_password(password):
        raise ValidationError({"password": "Your password is not correct."})
    with transaction.atomic():
        user_deleting.send(sender=User, user=user)
        OutstandingToken.objects.filter(user=user).delete()  # SET_NULL otherwise: delete them
        for model in _login_record_models():
            model._default_manager.filter(username__in=_login_record_names(user)).delete()
        user.delete()


@dataclass
class PruneSummary:
    refresh_tokens: int
    login_records: int

    def __str__(self) -> str:
        return (
            f"{self.refresh_tokens} expired refresh tokens, "
            f"{self.login_records} old login records deleted; expired sessions cleared"
        )


def expired_records_prune() -> PruneSummary:
    """Delete the refresh tokens that have expired (with their blacklist and rotation rows),
    django-axes' login records older than ``ACCOUNTS['LOGIN_RECORDS_DAYS']`` days (failures
    past their cool-off, the access and failure logs), and expired sessions (Django's
    ``clearsessions``: django-axes opens one for each login it records, a JWT login's too)."""
    now = timezone.now()
    tokens, _ = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    if apps.is_installed("django.contrib.sessions"):
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    records = 0
    if apps.is_installed("axes"):
        from axes.handlers.database import AxesDatabaseHandler
        from axes.helpers import get_cool_off
        from axes.models import AccessAttempt

        # (AxesDatabaseHandler.clean_expired_user_attempts needs a request: the same query.)
        cool_off = get_cool_off()
        if cool_off is not None:
            expired = AccessAttempt.objects.filter(attempt_time__lte=now - cool_off)
            records += expired.delete()[0]
        handler = AxesDatabaseHandler()
        days: int = accounts_settings.LOGIN_RECORDS_DAYS
        records += handler.reset_logs(age_days=days)
        records += handler.reset_failure_logs(age_days=days)
    return PruneSummary(refresh_tokens=tokens, login_records=records)


def _login_record_models() -> list[type[models.Model]]:
    """django-axes' records of login attempts, when it is installed (the project's lockouts)."""
    if not apps.is_installed("axes"):
        return []
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [AccessAttempt, AccessLog, AccessFailureLog]


def _login_record_names(user: User) -> set[str]:
    """The names django-axes records a user's logins under: the username of a success, the
    folded one of a failure (``accounts.lockout.record_name``)."""
    from accounts.lockout import record_name  # django-axes' models: only while it is installed

    name = user.get_username()
    return {name, record_name(name)}


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the site stores about the user: the account, and each part an exporter of
    ``ACCOUNTS['EXPORTERS']`` contributes."""
    account = {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_verified_at": (
            user.email_verified_at.isoformat() if user.email_verified_at else None
        ),
        "sessions": [
            {
                "created_at": created.isoformat() if created else None,
                "expires_at": expires.isoformat(),
            }
            for created, expires in OutstandingToken.objects.filter(user=user)
            .order_by("created_at")
            .values_list("created_at", "expires_at")
        ],
    }
    account["logins"] = []
    if apps.is_installed("axes"):
        from axes.models import AccessLog

        account["logins"] = [
            {"at": at.isoformat(), "ip_address": ip, "user_agent": agent}
            for at, ip, agent in AccessLog.objects.filter(username__in=_login_record_names(user))
            .order_by("attempt_time")
            .values_list("attempt_time", "ip_address", "user_agent")
        ]
    return {"account": account, **user_export_parts(user=user)}
