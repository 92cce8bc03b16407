from numbers import Real
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, register

from tmdb.conf import DEFAULTS, is_configured, tmdb_settings


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and value > 0


def _is_valid_timeout(value: Any) -> bool:
    """requests takes one number or a (connect, read) pair."""
    if isinstance(value, tuple | list):
        return len(value) == 2 and all(_is_positive_number(part) for part in value)
    return _is_positive_number(value)


@register(Tags.compatibility)
def check_tmdb_settings(app_configs, **kwargs) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    unknown = set(getattr(settings, "TMDB", {})) - set(DEFAULTS)
    if unknown:
        messages.append(
            Error(f"Unknown TMDB settings: {', '.join(sorted(unknown))}", id="tmdb.E001")
        )
    for name in ("BASE_URL", "IMAGE_BASE_URL"):
        if not _is_http_url(getattr(tmdb_settings, name)):
            messages.append(Error(f"TMDB['{name}'] must be an http(s) URL.", id="tmdb.E002"))
    if not _is_positive_number(tmdb_settings.RATE_LIMIT_PER_SECOND):
        messages.append(
            Error("TMDB['RATE_LIMIT_PER_SECOND'] must be a positive number.", id="tmdb.E003")
        )
    retries = tmdb_settings.MAX_RETRIES
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        messages.append(Error("TMDB['MAX_RETRIES'] must be an integer >= 0.", id="tmdb.E003"))
    if not _is_valid_timeout(tmdb_settings.TIMEOUT):
        messages.append(
            Error(
                "TMDB['TIMEOUT'] must be a positive number of seconds or a (connect, read) pair.",
                id="tmdb.E003",
            )
        )
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
