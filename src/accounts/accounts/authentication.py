from typing import cast

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts import verified_tokens
from accounts.cache import user_key, user_namespace
from accounts.conf import accounts_settings
from accounts.cookies import enforce_csrf
from accounts.models import User
from accounts.tokens import token_version
from core import versioned_cache
from core.api import read_along


class JWTCookieAuthentication(JWTAuthentication):
    """Bearer header first; in cookie mode, the access-token cookie with CSRF on unsafe methods.

    A cookie is sent by the browser on its own, so unlike the header it needs CSRF protection.
    The user is read from the cache for ``ACCOUNTS['USER_CACHE_TIMEOUT']`` seconds (see
    ``accounts.cache``), so most requests make no query for it; what the view asked to be read
    with the user is read in the same round trip (``core.api.read_along``).

    Typing: simplejwt annotates an ``AuthenticationFailed`` detail as str, yet passes lazy strings
    itself (hence the ignores), and ``get_user``'s return as a bare TypeVar, which no override
    matches; its users are AUTH_USER_MODEL's (hence the casts).
    """

    def authenticate(self, request: Request):
        header = self.get_header(request)
        if header is not None:
            raw_token = self.get_raw_token(header)
            if raw_token is None:
                return None
            validated = self.get_validated_token(raw_token)
        else:
            cookie = request.COOKIES.get(accounts_settings.ACCESS_COOKIE_NAME)
            if not accounts_settings.JWT_COOKIE_MODE or not cookie:
                return None
            validated = self.get_validated_token(cookie.encode())
            enforce_csrf(request)
        return self.get_user(validated, request), validated

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's, verified once per process while unexpired (``verified_tokens``)."""
        return verified_tokens.validated(raw_token, super().get_validated_token)

    def get_user(  # type: ignore[override]  # see above
        self, validated_token: Token, request: Request | None = None
    ) -> User:
        user_id = validated_token.get(jwt_settings.USER_ID_CLAIM)
        if not accounts_settings.USER_CACHE_TIMEOUT or user_id is None:
            user = cast(User, super().get_user(validated_token))
        else:
            key = user_key(user_id)
            snapshot = self._read_cached(request, user_id)
            user = snapshot.entry(key)
            if user is None:
                user = cast(User, super().get_user(validated_token))  # the database, its checks
                snapshot.store(key, user, timeout=accounts_settings.USER_CACHE_TIMEOUT)
            else:
                self._check_cached_user(user, validated_token)
        if token_version(validated_token) != user.token_version:
            raise AuthenticationFailed(
                _("Token is invalid or expired"),  # type: ignore[arg-type]
                code="token_not_valid",
            )
        return user

    @staticmethod
    def _read_cached(request: Request | None, user_id: int) -> versioned_cache.Snapshot:
        """The cached user, with the view's read (``read_along.asked``) in the same round
        trip."""
        user_read = versioned_cache.Read([user_namespace(user_id)], [user_key(user_id)])
        along = None if request is None else read_along.asked(request, user_id)
        if along is None:
            return versioned_cache.read_many([user_read])[0]
        snapshot, along_snapshot = versioned_cache.read_many([user_read, along])
        read_along.keep(cast(Request, request), along, along_snapshot)
        return snapshot

    @staticmethod
    def _check_cached_user(user: User, validated_token: Token) -> None:
        """simplejwt's checks of ``get_user``, for a user that did not come from it this time."""
        if jwt_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(
                _("User is inactive"),  # type: ignore[arg-type]
                code="user_inactive",
            )
        if jwt_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            jwt_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."),  # type: ignore[arg-type]
                code="password_changed",
            )
