"""The ratings app's settings: ``settings.RATINGS`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a user's cached ratings page lives (any change invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # As signals for the recommendations: a rating at or above LIKED_AT is a positive (it weighs
    # like a favorite), one at or below DISLIKED_AT a negative (never recommended, no neighbours).
    # 8 is the evaluation's own favorite (4 of 5 on MovieLens); 7 as a positive measured worse
    # than only keeping those movies out (docs/recommendations.md).
    "LIKED_AT": 8.0,
    "DISLIKED_AT": 4.0,
}

ratings_settings = AppSettings("RATINGS", DEFAULTS)
