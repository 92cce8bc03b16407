"""The recommendations app's settings: ``settings.RECOMMENDATIONS`` over these defaults."""

from pathlib import Path
from typing import Any

from core.conf import AppSettings

PACKAGE_DIR = Path(__file__).resolve().parent

DEFAULTS: dict[str, Any] = {
    # Model (see recommendations.engine.ModelParams): neighbours kept per movie, and weights.
    "NEIGHBOURS": 100,
    # The LINEAR_ITEMS most favorited movies get EASE rows (recommendations.linear): the build
    # holds a dense LINEAR_ITEMS^2 float32 matrix (8,000: 256 MiB; 16,000: 1 GiB) and inverts
    # it (cubic time). L2, DROPOUT and POPULARITY were chosen by `evaluate_recommender --tune`
    # on the validation folds of four views of MovieLens small (docs/recommendations.md).
    "LINEAR_ITEMS": 8000,
    "L2": 200.0,
    "DROPOUT": 0.25,
    "POPULARITY": 0.2,
    # The other movies' rows: item-kNN (ALPHA, SHRINK) + content (genres, years, overviews).
    "ALPHA": 0.75,
    "SHRINK": 3.0,
    "CONTENT_WEIGHT": 0.1,
    "CONTENT_FADE": 10.0,
    "ERA_YEARS": 15.0,
    # Community prior: co-favorites from elsewhere blended into the build (engine ``prior``).
    # PRIOR_FILE: a CSV (or .csv.gz) of user_id,tmdb_id favorites; a relative path is inside this
    # package ("prior/movielens-cofavorites.csv.gz" is the bundled MovieLens one: non-commercial
    # use only, so off by default). Its weight, PRIOR_WEIGHT, halves at PRIOR_FADE site favorites.
    "PRIOR_FILE": None,
    "PRIOR_WEIGHT": 1.0,
    "PRIOR_FADE": 1000.0,
    # Serving: most recommendations computed per user, and cache lifetime in seconds.
    "MAX_RESULTS": 200,
    "CACHE_TIMEOUT": 60 * 15,
    # Cold start: "popular" means most favorited over this many days, then TMDB popularity.
    "POPULAR_WINDOW_DAYS": 30,
    # Signals of other apps (dotted paths; an entry of an app not installed is skipped):
    # BUILD_SIGNALS: f() -> iterable of (user id, movie id, weight) for the neighbour build, where
    #   weight > 0 counts as a favorite would (ratings' liked movies); others are not taste here.
    # USER_SIGNALS: f(*, user_id) -> [(movie id, weight)] for serving: every such movie is known
    #   to the user, so never recommended (the watchlist weighs 0, a disliked rating -1), and one
    #   weighing > 0 seeds the user's recommendations after their favorites.
    # USER_NAMESPACES: f(user_id) -> core.versioned_cache.Namespace, bumped by those apps when
    #   the user's signals change: the user's cached recommendations hold for their versions.
    "BUILD_SIGNALS": [],
    "USER_SIGNALS": [],
    "USER_NAMESPACES": [],
    # Most movies one user may hide from their recommendations.
    "MAX_HIDDEN_PER_USER": 10_000,
}

recommendations_settings = AppSettings("RECOMMENDATIONS", DEFAULTS)


def prior_path(value: str | Path) -> Path:
    """PRIOR_FILE as a path: relative ones are inside this package."""
    return PACKAGE_DIR / value  # an absolute value replaces the package directory
