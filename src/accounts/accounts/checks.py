from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from accounts.conf import accounts_settings
from core.checks import Rule, import_problem, non_negative_int, one_of, settings_messages
from core.conf import installed_entries

RULES = [
    Rule(("COOKIE_SAMESITE",), one_of("Lax", "Strict", "None"), "must be Lax, Strict or None",
         "accounts.E003"),
    Rule(("USER_CACHE_TIMEOUT", "ROTATION_GRACE_SECONDS"), non_negative_int,
         "must be a whole number of seconds, 0 or more", "accounts.E004"),
    Rule(("PASSWORD_RESET_URL", "EMAIL_VERIFY_URL"),
         lambda value: isinstance(value, str) and "{uid}" in value and "{token}" in value,
         "must be a URL with {uid} and {token}", "accounts.E009"),
    Rule(("PASSWORD_RESET_EMAILS_PER_HOUR", "VERIFIED_TOKEN_CACHE_SIZE", "LOGIN_RECORDS_DAYS"),
         non_negative_int,
         "must be a whole number, 0 or more", "accounts.E010"),
    Rule(("LOGIN_REQUIRES_VERIFIED_EMAIL",), lambda value: isinstance(value, bool),
         "must be True or False", "accounts.E011"),
    Rule(("EXPORTERS",),
         lambda value: isinstance(value, dict) and all(isinstance(p, str) for p in value.values()),
         "must map part names to dotted paths", "accounts.E012"),
    Rule(("ACCOUNT_STATES",),
         lambda value: isinstance(value, dict) and all(isinstance(p, str) for p in value.values()),
         "must map part names to dotted paths", "accounts.E012"),
    Rule(("ACCOUNT_STATE_ABSENT",), lambda value: isinstance(value, dict), "must be a dict",
         "accounts.E012"),
    Rule(("ACCOUNT_STATES_MAX_MOVIES",), lambda value: isinstance(value, int)
         and not isinstance(value, bool) and 1 <= value <= 1000, "must be from 1 to 1000",
         "accounts.E010"),
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
    if path and (problem := import_problem(path)):
        messages.append(
            Error(
                f"ACCOUNTS['FAVORITE_MOVIE_IDS'] cannot be imported: {problem}",
                hint="Point it to a function f(*, user) -> list[int], or set it to None.",
                id="accounts.E002",
            )
        )
    for name, signature in (("EXPORTERS", "f(*, user) -> dict"),
                            ("ACCOUNT_STATES", "f(*, user, movie_ids) -> dict")):  # fmt: skip
        entries = accounts_settings.user_settings.get(name)
        for part, dotted in installed_entries(entries).items() if isinstance(entries, dict) else ():
            if problem := import_problem(dotted):
                messages.append(
                    Error(
                        f"ACCOUNTS[{name!r}][{part!r}] cannot be imported: {problem}",
                        hint=f"Point it to a function {signature}.",
                        id="accounts.E013",
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
