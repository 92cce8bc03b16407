"""The recommendations app's settings: ``settings.RECOMMENDATIONS`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Model (see recommendations.engine.ModelParams): neighbours kept per movie, and weights.
    "NEIGHBOURS": 100,
    "ALPHA": 0.75,
    "SHRINK": 3.0,
    "CONTENT_WEIGHT": 0.1,
    "CONTENT_FADE": 10.0,
    "ERA_YEARS": 15.0,
    # Serving: most recommendations computed per user, and cache lifetime in seconds.
    "MAX_RESULTS": 200,
    "CACHE_TIMEOUT": 60 * 15,
    # Cold start: "popular" means most favorited over this many days, then TMDB popularity.
    "POPULAR_WINDOW_DAYS": 30,
}

recommendations_settings = AppSettings("RECOMMENDATIONS", DEFAULTS)
