"""The watchlist app's settings: ``settings.WATCHLIST`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a user's cached watchlist page lives (any change invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Most movies one user may keep on the watchlist (a bound on list size and abuse).
    "MAX_PER_USER": 10_000,
}

watchlist_settings = AppSettings("WATCHLIST", DEFAULTS)
