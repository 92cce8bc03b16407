"""The accounts app's settings: ``settings.ACCOUNTS`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Set the access/refresh tokens as HttpOnly cookies too, and accept them (with CSRF).
    "JWT_COOKIE_MODE": False,
    "ACCESS_COOKIE_NAME": "access_token",
    "REFRESH_COOKIE_NAME": "refresh_token",
    # "None" (with COOKIE_SECURE) for a front end on another site; the CSRF cookie then needs
    # the same (Django's CSRF_COOKIE_SAMESITE and CSRF_COOKIE_SECURE: check accounts.E008).
    "COOKIE_SAMESITE": "Lax",
    "COOKIE_SECURE": True,
    # Cookie mode: False drops the tokens from the login and refresh bodies (only the HttpOnly
    # cookies carry them, out of reach of scripts); True keeps the bodies as the contract has them.
    "COOKIE_TOKENS_IN_BODY": True,
    # Replace the refresh token on every refresh: None follows JWT_COOKIE_MODE.
    "ROTATE_REFRESH_TOKENS": None,
    # Seconds a replaced refresh token is still accepted (parallel tabs); a use after is a reuse
    # and revokes every token of the user.
    "ROTATION_GRACE_SECONDS": 30,
    # Dotted path to ``f(*, user) -> list[int]`` listing the user's favorite movie ids (imported
    # once). The extension point through which another app (favorites) fills ``favorite_movies``.
    "FAVORITE_MOVIE_IDS": None,
    # Seconds authentication keeps a user in the default cache instead of reading it on every
    # request (invalidated when the user is saved or deleted); 0 reads it every time.
    "USER_CACHE_TIMEOUT": 60,
}

accounts_settings = AppSettings("ACCOUNTS", DEFAULTS, import_strings=["FAVORITE_MOVIE_IDS"])
