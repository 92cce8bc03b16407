"""The catalog app's settings: ``settings.CATALOG`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a movie list/detail response stays cached (a sync invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Seconds to wait before asking TMDB again for details it failed to give.
    "DETAILS_RETRY_AFTER": 60 * 5,
    # Show adult titles (TMDB's flag) in lists, search, details and recommendations.
    "INCLUDE_ADULT": False,
    # What other apps add to a movie's detail: dotted paths to serializer classes, each given
    # the movie and rendering a few more fields (ratings: "ratings.serializers.
    # MovieRatingsSerializer"). Their change is announced by ``signals.movie_details_changed``.
    "DETAIL_EXTRAS": [],
}

catalog_settings = AppSettings("CATALOG", DEFAULTS)
