"""The favorites app's settings: ``settings.FAVORITES`` over these defaults, read on each access."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Seconds a user's cached favorites page lives (any change invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Most favorites one user may keep (a bound on list size and abuse).
    "MAX_PER_USER": 10_000,
}


class _AppSettings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown FAVORITES setting: {name}")
        return getattr(settings, "FAVORITES", {}).get(name, DEFAULTS[name])


favorites_settings = _AppSettings()
