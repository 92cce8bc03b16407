"""The JWTs the API issues: simplejwt's, carrying the user's ``token_version`` (see
``accounts.models.User``) so that a password change, a deactivation or a detected reuse revokes
them all at once."""

from typing import Any, Self

from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User

VERSION_CLAIM = "ver"


def token_version(token: Token) -> int:
    """The user's token version the token was issued for (tokens from before versions: 0)."""
    return int(token.get(VERSION_CLAIM, 0))


class SessionRefreshToken(RefreshToken):
    """A refresh token with the version claim (copied into its access tokens), recorded as
    outstanding once complete. Its blacklist is checked by ``accounts.services``, together with
    the token's row and user in one query, not by simplejwt's own extra query."""

    @classmethod
    def for_user(cls, user: Any) -> Self:
        token = super(BlacklistMixin, cls).for_user(user)  # simplejwt's claims; not yet recorded
        token[VERSION_CLAIM] = user.token_version
        outstanding_create(token, user=user)
        return token

    def check_blacklist(self) -> None:
        pass


def outstanding_create(refresh: Token, *, user: User | None) -> OutstandingToken:
    return OutstandingToken.objects.create(
        jti=refresh[jwt_settings.JTI_CLAIM],
        user=user,
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
