"""The catalog's periodic jobs and background fetches (catalog.tasks), run as the worker runs
them (eagerly here: config/settings/test.py), and their commands: the first catalog of an empty
site, the TMDB syncs, one run at a time."""

import pytest
from celery.exceptions import Retry
from django.core.management import CommandError, call_command

from catalog import selectors, tasks
from catalog.models import Genre, Movie, SyncState
from core.jobs import job_lock
from tests.catalog.factories import MovieFactory
from tmdb.exceptions import TMDBUnavailable

pytestmark = pytest.mark.django_db


def test_an_empty_catalog_is_filled_from_tmdb_lists_with_a_key(tmdb_settings, fake_tmdb, settings):
    settings.CATALOG = {**settings.CATALOG, "FIRST_IMPORT_SOURCES": ["popular"],
                        "FIRST_IMPORT_PAGES": 2}  # fmt: skip

    outcome = tasks.catalog_fill_if_empty.delay().get()

    assert outcome == "first import from TMDB: 40 created, 0 updated, 2 page(s)"
    assert Movie.objects.count() == 40
    assert Genre.objects.count() == 19
    assert len(fake_tmdb.requests_to("/3/movie/popular")) == 2


def test_without_a_key_the_demo_catalog_if_allowed(settings):
    settings.CATALOG = {**settings.CATALOG, "LOAD_DEMO_CATALOG": True}

    outcome = tasks.catalog_fill_if_empty.delay().get()

    assert outcome.startswith("demo catalog: 9733 movies created")
    assert Movie.objects.count() == 9733


def test_nothing_without_a_source_or_once_the_catalog_has_movies(settings, caplog):
    assert tasks.catalog_fill_if_empty.delay().get() == "nothing imported"
    assert "set TMDB_API_KEY, or LOAD_DEMO_CATALOG=true" in caplog.text
    assert not Movie.objects.exists()

    settings.CATALOG = {**settings.CATALOG, "LOAD_DEMO_CATALOG": True}
    MovieFactory()
    assert tasks.catalog_fill_if_empty.delay().get() == "nothing imported"
    assert Movie.objects.count() == 1


def test_a_run_that_finds_the_job_running_is_skipped(settings):
    settings.CATALOG = {**settings.CATALOG, "LOAD_DEMO_CATALOG": True}

    with job_lock("catalog.fill"):
        assert tasks.catalog_fill_if_empty.delay().get() is None
        with pytest.raises(CommandError, match="being filled already"):
            call_command("fill_catalog")

    assert not Movie.objects.exists()
    call_command("fill_catalog")
    assert Movie.objects.count() == 9733


def test_tmdb_syncs_without_a_key_say_so():
    assert tasks.tmdb_changes.delay().get() == tasks.NOT_CONFIGURED
    assert tasks.tmdb_lists.delay().get() == tasks.NOT_CONFIGURED


def test_the_weekly_lists_and_daily_changes(tmdb_settings, fake_tmdb, settings):
    settings.CATALOG = {**settings.CATALOG, "LISTS_SYNC_PAGES": 1}
    assert tasks.tmdb_lists.delay().get() == "lists: 20 created, 0 updated, 1 page(s)"
    stored = Movie.objects.order_by("tmdb_id").first()
    fake_tmdb.set_changes([stored.tmdb_id])

    assert tasks.tmdb_changes.delay().get().startswith("changes: 0 created, 1 updated")


def test_tmdb_down_is_retried_by_the_worker(tmdb_settings, fake_tmdb, settings):
    """Transient TMDB failures are Celery's automatic retries, a minute later at first
    (jittered), not failures."""
    settings.CATALOG = {**settings.CATALOG, "LISTS_SYNC_PAGES": 1}
    fake_tmdb.fail_next("/3/genre/movie/list", status=503, times=10)

    with pytest.raises(Retry) as retry:
        tasks.tmdb_lists.delay()

    assert isinstance(retry.value.exc, TMDBUnavailable)
    assert 0 <= retry.value.when <= 60
    assert not Movie.objects.exists()


def test_a_movies_missing_details_are_fetched_and_stored(tmdb_settings, fake_tmdb):
    movie = MovieFactory(tmdb_id=550, title="Stored", runtime=None, details_synced_at=None)

    tasks.movie_details_fetch.delay(movie.pk)

    movie.refresh_from_db()
    assert (movie.title, movie.runtime) == ("Fight Club", 139)
    assert movie.details_synced_at is not None


def test_a_first_import_that_failed_midway_is_resumed_by_the_next_run(
    tmdb_settings, fake_tmdb, settings
):
    """Its first pages are stored (the catalog is no longer empty), yet the retry, or the next
    hourly run, finishes it rather than finding a catalog and doing nothing."""
    settings.CATALOG = {**settings.CATALOG, "FIRST_IMPORT_SOURCES": ["popular", "top_rated"],
                        "FIRST_IMPORT_PAGES": 1}  # fmt: skip
    fake_tmdb.fail_next("/3/movie/top_rated", status=503, times=2)  # both of the client's tries

    with pytest.raises(Retry):
        tasks.catalog_fill_if_empty.delay()

    assert Movie.objects.count() == 20  # popular's page
    assert selectors.last_sync_at() is None  # no sync has completed
    assert tasks.catalog_fill_if_empty.delay().get().startswith("first import from TMDB")
    assert len(fake_tmdb.requests_to("/3/movie/top_rated")) == 3
    assert tasks.catalog_fill_if_empty.delay().get() == "nothing imported"


def test_fill_catalog_says_rerun_when_tmdb_fails_midway_and_a_rerun_finishes(
    tmdb_settings, fake_tmdb, settings
):
    settings.CATALOG = {**settings.CATALOG, "FIRST_IMPORT_SOURCES": ["popular", "top_rated"],
                        "FIRST_IMPORT_PAGES": 1}  # fmt: skip
    fake_tmdb.fail_next("/3/movie/top_rated", status=503, times=2)

    with pytest.raises(CommandError, match="Finished pages are stored; rerun"):
        call_command("fill_catalog")
    call_command("fill_catalog")

    assert len(fake_tmdb.requests_to("/3/movie/top_rated")) == 3
    assert not SyncState.objects.exists()
