"""The history app's settings: ``settings.HISTORY`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a user's cached history page lives (any change invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Most plays one user may keep (a bound on list size and abuse; an import past it is
    # refused whole).
    "MAX_PER_USER": 50_000,
    # A watched movie as a recommendation signal (RECOMMENDATIONS' BUILD_SIGNALS and
    # USER_SIGNALS): never recommended to that user again, and a positive of this weight, where
    # a favorite or a liked rating weighs 1. 0.1 was the best of 0, 0.1, 0.25, 0.5 and 1 on the
    # validation folds of MovieLens small (`evaluate_recommender --plays`,
    # docs/recommendations.md); 0: known, not a sign of taste.
    "SIGNAL_WEIGHT": 0.1,
    # Dotted path to f(*, user) -> {movie id: rating from 0.5 to 10}: the ratings that
    # GET /api/me/export/letterboxd.csv writes beside the plays (the ratings app's
    # "ratings.selectors.rating_values"); None, or an app not installed: plays only.
    "RATINGS": None,
}

history_settings = AppSettings("HISTORY", DEFAULTS)
