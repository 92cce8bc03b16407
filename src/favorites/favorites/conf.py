"""The favorites app's settings: ``settings.FAVORITES`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a user's cached favorites page lives (any change invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Most favorites one user may keep (a bound on list size and abuse).
    "MAX_PER_USER": 10_000,
}

favorites_settings = AppSettings("FAVORITES", DEFAULTS)
