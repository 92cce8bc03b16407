"""The catalog app's settings: ``settings.CATALOG`` over these defaults, read on every access."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Seconds a movie list/detail response stays cached (a sync invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Seconds to wait before asking TMDB again for details it failed to give.
    "DETAILS_RETRY_AFTER": 60 * 5,
}


class _AppSettings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown CATALOG setting: {name}")
        return getattr(settings, "CATALOG", {}).get(name, DEFAULTS[name])


catalog_settings = _AppSettings()
