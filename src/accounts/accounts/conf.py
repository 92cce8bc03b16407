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
    # Access tokens each process keeps once verified, until they expire, so that the next
    # requests with one skip its signature check (``accounts.verified_tokens``); 0: none.
    "VERIFIED_TOKEN_CACHE_SIZE": 4096,
    # The front end's page a password-reset e-mail links to; {uid} and {token} are filled in and
    # the page posts them, with the new password, to /api/password-reset/confirm/.
    "PASSWORD_RESET_URL": "http://localhost:5173/reset-password?uid={uid}&token={token}",
    # Reset e-mails sent to one address per hour at most; requests past it still answer 202
    # (silently: an answer that differed would tell which addresses have an account).
    "PASSWORD_RESET_EMAILS_PER_HOUR": 3,
    # The front end's page an e-mail verification links to; it posts {uid} and {token} to
    # /api/verify-email/.
    "EMAIL_VERIFY_URL": "http://localhost:5173/verify-email?uid={uid}&token={token}",
    # Days django-axes' login records (access and failure logs) are kept; older ones, and the
    # failures past their cool-off, are deleted by the daily prune (``accounts.tasks``).
    "LOGIN_RECORDS_DAYS": 30,
    # Refuse to log in (400) accounts whose e-mail address is not verified yet.
    "LOGIN_REQUIRES_VERIFIED_EMAIL": False,
    # What GET /api/me/export/ gathers besides the account: {"<part>": "dotted.path"}, each a
    # function f(*, user) -> dict of what that app stores about the user (the extension point
    # through which other apps, favorites among them, add their data).
    "EXPORTERS": {},
    # What GET /api/account-states/ answers per movie: {"<part>": "dotted.path"}, each a function
    # f(*, user, movie_ids) -> {movie id: value} for the movies that part knows of (the extension
    # point of favorites, watchlist, ratings and recommendations' hidden movies). An entry whose
    # app is not installed contributes nothing. ACCOUNT_STATE_ABSENT: a part's value for the
    # other movies (None when not named).
    "ACCOUNT_STATES": {},
    "ACCOUNT_STATE_ABSENT": {"hidden": False},
    # Most movies one account-states request may ask about.
    "ACCOUNT_STATES_MAX_MOVIES": 100,
}

accounts_settings = AppSettings("ACCOUNTS", DEFAULTS, import_strings=["FAVORITE_MOVIE_IDS"])
