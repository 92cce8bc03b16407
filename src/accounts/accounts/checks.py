from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string

from accounts.conf import accounts_settings
from core.checks import Rule, non_negative_int, one_of, settings_messages

RULES = [
    Rule(("COOKIE_SAMESITE",), one_of("Lax", "Strict", "None"), "must be Lax, Strict or None",
         "accounts.E003"),
    Rule(("USER_CACHE_TIMEOUT", "ROTATION_GRACE_SECONDS"), non_negative_int,
         "must be a whole number of seconds, 0 or more", "accounts.E004"),
    Rule(("ROTATE_REFRESH_TOKENS",), lambda value: value is None or isinstance(value, bool),
         "must be None, True or False", "accounts.E005"),
]  # fmt: skip


@register(Tags.compatibility)
def check_accounts_settings(app_configs, **kwargs) -> list[CheckMessage]:
    messages = settings_messages(
        accounts_settings,
        label="accounts",
        rules=RULES,
        requires=["rest_framework_simplejwt.token_blacklist"],
        requires_id="accounts.E006",
    )
    cross_site = accounts_settings.COOKIE_SAMESITE == "None"
    if cross_site and not accounts_settings.COOKIE_SECURE:
        messages.append(
            Error(
                "ACCOUNTS['COOKIE_SAMESITE'] = 'None' needs COOKIE_SECURE: browsers drop "
                "SameSite=None cookies that are not Secure.",
                id="accounts.E007",
            )
        )
    path = accounts_settings.user_settings.get("FAVORITE_MOVIE_IDS")
    if path:
        try:
            if not callable(import_string(path)):
                raise ImportError(f"{path} is not callable")
        except ImportError as exc:
            messages.append(
                Error(
                    f"ACCOUNTS['FAVORITE_MOVIE_IDS'] cannot be imported: {exc}",
                    hint="Point it to a function f(*, user) -> list[int], or set it to None.",
                    id="accounts.E002",
                )
            )
    csrf_cross_site = settings.CSRF_COOKIE_SAMESITE == "None" and settings.CSRF_COOKIE_SECURE
    if accounts_settings.JWT_COOKIE_MODE and cross_site and not csrf_cross_site:
        messages.append(
            Error(
                "Cookie mode with COOKIE_SAMESITE 'None' needs CSRF_COOKIE_SAMESITE = 'None' and "
                "CSRF_COOKIE_SECURE = True: else the csrftoken cookie never reaches the front end "
                "on another site and every unsafe request fails its CSRF check.",
                id="accounts.E008",
            )
        )
    return messages
