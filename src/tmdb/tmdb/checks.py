from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Info, Tags, register

from core.checks import Rule, http_url, non_negative_int, positive_number, settings_messages
from tmdb.conf import is_configured, tmdb_settings


def _is_timeout(value: Any) -> bool:
    """requests takes one number or a (connect, read) pair."""
    if isinstance(value, tuple | list):
        return len(value) == 2 and all(positive_number(part) for part in value)
    return positive_number(value)


RULES = [
    Rule(("BASE_URL", "IMAGE_BASE_URL"), http_url, "must be an http(s) URL", "tmdb.E002"),
    Rule(("RATE_LIMIT_PER_SECOND",), positive_number, "must be a positive number", "tmdb.E003"),
    Rule(("MAX_RETRIES",), non_negative_int, "must be an integer >= 0", "tmdb.E003"),
    Rule(("TIMEOUT",), _is_timeout,
         "must be a positive number of seconds or a (connect, read) pair", "tmdb.E003"),
]  # fmt: skip


@register(Tags.compatibility)
def check_tmdb_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    messages = settings_messages(tmdb_settings, label="tmdb", rules=RULES)
    if not is_configured():
        # Info, not Warning: running on the demo catalog without TMDB is a supported setup.
        messages.append(
            Info(
                "Neither TMDB['API_KEY'] nor TMDB['READ_ACCESS_TOKEN'] is set: "
                "the catalog serves stored data only.",
                hint="Set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN in the environment.",
                id="tmdb.I001",
            )
        )
    return messages
