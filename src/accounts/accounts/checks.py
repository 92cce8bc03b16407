from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from accounts.conf import DEFAULTS, accounts_settings


@register(Tags.compatibility)
def check_accounts_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    unknown = set(getattr(settings, "ACCOUNTS", {})) - set(DEFAULTS)
    if unknown:
        errors.append(
            Error(f"Unknown ACCOUNTS settings: {', '.join(sorted(unknown))}", id="accounts.E001")
        )
    path = accounts_settings.FAVORITE_MOVIE_IDS
    if path:
        try:
            if not callable(import_string(path)):
                raise ImportError(f"{path} is not callable")
        except ImportError as exc:
            errors.append(
                Error(
                    f"ACCOUNTS['FAVORITE_MOVIE_IDS'] cannot be imported: {exc}",
                    hint="Point it to a function f(*, user) -> list[int], or set it to None.",
                    id="accounts.E002",
                )
            )
    if accounts_settings.COOKIE_SAMESITE not in ("Lax", "Strict", "None"):
        errors.append(
            Error("ACCOUNTS['COOKIE_SAMESITE'] must be Lax, Strict or None.", id="accounts.E003")
        )
    timeout = accounts_settings.USER_CACHE_TIMEOUT
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 0:
        errors.append(
            Error(
                "ACCOUNTS['USER_CACHE_TIMEOUT'] must be a whole number of seconds, 0 or more.",
                id="accounts.E004",
            )
        )
    return errors
