"""The catalog's background work: TMDB syncs on beat's schedule, the first catalog of an empty
site, and the details a visitor's request found missing. The ``tmdb_sync`` and
``load_demo_catalog`` commands call the same services."""

import logging

from celery import shared_task
from django.apps import apps
from django.utils.module_loading import import_string

from catalog import services
from catalog.conf import catalog_settings
from catalog.models import Movie
from core.jobs import RetryOptions, one_at_a_time
from tmdb.client import TMDBClient
from tmdb.conf import is_configured
from tmdb.exceptions import TMDBNotFound, TMDBRateLimited, TMDBUnavailable

logger = logging.getLogger(__name__)

# TMDB down, hung or rate limiting (after the client's own retries): tried again with
# exponential backoff, 1 minute at first, at most an hour apart, 6 tries. Finished pages stay
# stored: a new try resumes (the syncs are idempotent upserts).
TMDB_RETRY: RetryOptions = {
    "autoretry_for": (TMDBUnavailable, TMDBRateLimited),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 6,
}
NOT_CONFIGURED = "TMDB is not configured (TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN): skipped"


@shared_task(ignore_result=False, **TMDB_RETRY)
@one_at_a_time("catalog.tmdb_changes")
def tmdb_changes() -> str:
    """The stored movies TMDB changed since the last run (``tmdb_sync changes``)."""
    if not is_configured():
        return NOT_CONFIGURED
    with TMDBClient.from_settings() as client:
        return f"changes: {services.movie_changes_sync(client=client)}"


@shared_task(ignore_result=False, **TMDB_RETRY)
@one_at_a_time("catalog.tmdb_lists")
def tmdb_lists() -> str:
    """TMDB's lists (``tmdb_sync lists --list popular --pages 50`` by default)."""
    if not is_configured():
        return NOT_CONFIGURED
    with TMDBClient.from_settings() as client:
        summary = services.lists_sync(
            client=client,
            sources=catalog_settings.LISTS_SYNC_SOURCES,
            pages=catalog_settings.LISTS_SYNC_PAGES,
        )
    return f"lists: {summary}"


@shared_task(ignore_result=False, **TMDB_RETRY)
@one_at_a_time("catalog.fill")
def catalog_fill_if_empty() -> str:
    """A first catalog for an empty site (TMDB's lists, else the demo catalog if allowed), then
    the recommendations' neighbour table built for it."""
    outcome = services.catalog_fill_if_empty()
    if outcome is None:
        return "nothing imported"
    if apps.is_installed("recommendations"):  # an app above catalog: named, not imported
        import_string("recommendations.tasks.build_if_stale").delay()
    return outcome


@shared_task(**TMDB_RETRY)
def movie_details_fetch(movie_id: int) -> None:
    """Fetch and store the details of a movie that lacks them (queued by its detail request,
    which answered with what was stored)."""
    movie = Movie.objects.filter(
        pk=movie_id, details_synced_at__isnull=True, tmdb_missing_at__isnull=True
    ).first()
    if movie is None or not is_configured():
        return
    with TMDBClient.from_settings() as client:
        try:
            services.movie_details_refresh(movie=movie, client=client)
        except TMDBNotFound:
            logger.info("TMDB does not know movie %s (tmdb id %s)", movie.pk, movie.tmdb_id)
