"""The accounts app's settings: ``settings.ACCOUNTS`` over these defaults, read on every access
so ``override_settings`` works in tests."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Set the access/refresh tokens as HttpOnly cookies too, and accept them (with CSRF).
    "JWT_COOKIE_MODE": False,
    "ACCESS_COOKIE_NAME": "access_token",
    "REFRESH_COOKIE_NAME": "refresh_token",
    "COOKIE_SAMESITE": "Lax",
    "COOKIE_SECURE": True,
    # Dotted path to ``f(*, user) -> list[int]`` listing the user's favorite movie ids.
    # The extension point through which another app (favorites) fills ``favorite_movies``.
    "FAVORITE_MOVIE_IDS": None,
    # Seconds authentication keeps a user in the default cache instead of reading it on every
    # request (invalidated when the user is saved or deleted); 0 reads it every time.
    "USER_CACHE_TIMEOUT": 60,
}


class _AppSettings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown ACCOUNTS setting: {name}")
        return getattr(settings, "ACCOUNTS", {}).get(name, DEFAULTS[name])


accounts_settings = _AppSettings()
