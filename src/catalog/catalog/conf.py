"""The catalog app's settings: ``settings.CATALOG`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # Seconds a movie list/detail response stays cached (a sync invalidates it at once).
    "CACHE_TIMEOUT": 60 * 15,
    # Seconds to wait before asking TMDB again for details it failed to give.
    "DETAILS_RETRY_AFTER": 60 * 5,
    # Seconds a visitor's request may wait on TMDB for the details a movie lacks (half to
    # connect, half to read); past it the stored data is served and a task fetches them.
    "DETAILS_TIMEOUT": 1.0,
    # Seconds no request asks TMDB at all after it failed one (the process's circuit breaker).
    "DETAILS_BREAKER_SECONDS": 30,
    # Show adult titles (TMDB's flag) in lists, search, details and recommendations.
    "INCLUDE_ADULT": False,
    # The first import of an empty catalog (beat's catalog_fill_if_empty): these TMDB lists, so
    # many pages (20 movies) each, with a TMDB key; without one the demo catalog, if allowed.
    "FIRST_IMPORT_SOURCES": ["popular", "top_rated", "now_playing", "upcoming"],
    "FIRST_IMPORT_PAGES": 25,
    "LOAD_DEMO_CATALOG": False,
    # The weekly lists sync (beat's tmdb_lists; README's cron line is the same).
    "LISTS_SYNC_SOURCES": ["popular"],
    "LISTS_SYNC_PAGES": 50,
    # What other apps add to a movie's detail: dotted paths to serializer classes, each given
    # the movie and rendering a few more fields (ratings: "ratings.serializers.
    # MovieRatingsSerializer"). Their change is announced by ``signals.movie_details_changed``.
    "DETAIL_EXTRAS": [],
}

catalog_settings = AppSettings("CATALOG", DEFAULTS)
