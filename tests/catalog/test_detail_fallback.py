"""GET /api/movies/<id>/ fetches the details a stored movie lacks from TMDB, once, and falls back
to the stored data whenever TMDB cannot give them."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from catalog.cache import CATALOG
from catalog.models import Movie
from tests.catalog.factories import GenreFactory, MovieFactory
from tmdb.testing.server import example

pytestmark = pytest.mark.django_db

FIGHT_CLUB = example("movie-details.json")
ATTEMPTS = 1  # the detail view tries TMDB once (no retries): a visitor is waiting


def url(movie_id: int) -> str:
    return reverse("catalog:movie-detail", args=[movie_id])


def stored_movie(**fields) -> Movie:
    """A movie as the demo catalog stores it: title, year and genres, no TMDB details."""
    values = {
        "tmdb_id": 550, "title": "Fight Club (stored)", "overview": "", "release_date": None,
        "release_year": 1999, "poster_path": "", "backdrop_path": "", "runtime": None,
        "vote_average": None, "vote_count": None, "popularity": None, "details_synced_at": None,
        "genres": [GenreFactory(id=18, name="Drama")],
    }  # fmt: skip
    return MovieFactory(**{**values, **fields})


def stored_body(movie: Movie) -> dict:
    return {
        "id": movie.pk,
        "title": "Fight Club (stored)",
        "release_date": None,
        "description": "",
        "poster_path": None,
        "genres": [{"id": 18, "name": "Drama"}],
        "runtime": None,
        "vote_average": None,
        "vote_count": None,
        "overview": "",
        "backdrop_path": None,
        "tmdb_id": 550,
        "release_year": 1999,
    }


def tmdb_body(movie: Movie) -> dict:
    return {
        "id": movie.pk,
        "title": "Fight Club",
        "release_date": "1999-10-15",
        "description": FIGHT_CLUB["overview"],
        "poster_path": f"https://image.tmdb.org/t/p/w500{FIGHT_CLUB['poster_path']}",
        "genres": [{"id": 18, "name": "Drama"}],
        "runtime": 139,
        "vote_average": FIGHT_CLUB["vote_average"],
        "vote_count": FIGHT_CLUB["vote_count"],
        "overview": FIGHT_CLUB["overview"],
        "backdrop_path": f"https://image.tmdb.org/t/p/w1280{FIGHT_CLUB['backdrop_path']}",
        "tmdb_id": 550,
        "release_year": 1999,
    }


def details_requests(fake) -> int:
    return len(fake.requests_to("/3/movie/550"))


def test_missing_details_are_fetched_stored_and_fetched_once(api_client, tmdb_settings, fake_tmdb):
    movie = stored_movie()

    response = api_client.get(url(movie.pk))

    assert response.status_code == 200
    assert response.json() == tmdb_body(movie)
    assert details_requests(fake_tmdb) == 1
    stored = Movie.objects.get(pk=movie.pk)
    assert stored.runtime == 139
    assert stored.overview == FIGHT_CLUB["overview"]
    assert stored.release_date == datetime.date(1999, 10, 15)
    assert stored.details_synced_at is not None

    assert api_client.get(url(movie.pk)).json() == tmdb_body(movie)
    CATALOG.bump()  # the cached response is gone; the stored details are read
    assert api_client.get(url(movie.pk)).json() == tmdb_body(movie)
    cache.clear()
    assert api_client.get(url(movie.pk)).json() == tmdb_body(movie)
    assert details_requests(fake_tmdb) == 1


def _server_error(fake, settings):
    fake.fail_next("/3/movie/", status=500, times=ATTEMPTS)


def _dropped_connection(fake, settings):
    fake.drop_next("/3/movie/", times=ATTEMPTS)


def _truncated_body(fake, settings):
    fake.truncate_next("/3/movie/", times=ATTEMPTS)


def _not_json(fake, settings):
    fake.fail_next("/3/movie/", status=200, body="<html>Oops</html>")


def _too_slow(fake, settings):
    settings.CATALOG = {**settings.CATALOG, "DETAILS_TIMEOUT": 0.4}
    fake.delay_next("/3/movie/", 1.0, times=ATTEMPTS)


def _invalid_api_key(fake, settings):
    settings.TMDB = {**settings.TMDB, "API_KEY": "revoked-key"}


def _unknown_to_tmdb(fake, settings):
    fake.fail_next("/3/movie/", status=404)


@pytest.mark.parametrize(
    "fault",
    [
        _server_error,
        _dropped_connection,
        _truncated_body,
        _not_json,
        _too_slow,
        _invalid_api_key,
        _unknown_to_tmdb,
    ],
)
def test_tmdb_failing_serves_the_stored_data_and_is_not_asked_again_at_once(
    api_client, tmdb_settings, fake_tmdb, settings, fault
):
    movie = stored_movie()
    fault(fake_tmdb, settings)

    response = api_client.get(url(movie.pk))

    assert response.status_code == 200
    assert response.json() == stored_body(movie)
    asked = details_requests(fake_tmdb)
    assert asked >= 1
    assert Movie.objects.get(pk=movie.pk).details_synced_at is None

    assert api_client.get(url(movie.pk)).json() == stored_body(movie)  # cached
    CATALOG.bump()  # the cached response is gone, the failure is remembered
    again = api_client.get(url(movie.pk))
    assert again.status_code == 200
    assert again.json() == stored_body(movie)
    assert details_requests(fake_tmdb) == asked


def test_tmdb_is_asked_again_once_details_retry_after_has_passed(
    api_client, tmdb_settings, fake_tmdb, settings
):
    settings.CATALOG = {"DETAILS_RETRY_AFTER": 1, "DETAILS_BREAKER_SECONDS": 1}
    movie = stored_movie()
    fake_tmdb.fail_next("/3/movie/", status=500, times=ATTEMPTS)

    assert api_client.get(url(movie.pk)).json() == stored_body(movie)
    time.sleep(1.1)  # both the incomplete response and the failure expire
    response = api_client.get(url(movie.pk))

    assert response.json() == tmdb_body(movie)
    assert details_requests(fake_tmdb) == ATTEMPTS + 1


def test_tmdb_not_configured_serves_the_stored_data_without_asking(api_client, fake_tmdb, settings):
    settings.TMDB = {
        **settings.TMDB,
        "API_KEY": "",
        "READ_ACCESS_TOKEN": "",
        "BASE_URL": fake_tmdb.base_url,
    }
    movie = stored_movie()

    response = api_client.get(url(movie.pk))

    assert response.status_code == 200
    assert response.json() == stored_body(movie)
    CATALOG.bump()
    assert api_client.get(url(movie.pk)).json() == stored_body(movie)
    assert fake_tmdb.requests == []


def test_movie_with_details_is_never_fetched(api_client, tmdb_settings, fake_tmdb):
    movie = MovieFactory(tmdb_id=550, runtime=90, details_synced_at=timezone.now())

    response = api_client.get(url(movie.pk))

    assert response.status_code == 200
    assert response.json()["runtime"] == 90
    assert response.json()["title"] == movie.title
    CATALOG.bump()
    api_client.get(url(movie.pk))
    assert fake_tmdb.requests == []


def test_after_a_failure_no_request_waits_on_tmdb_and_a_task_fetches_the_details(
    api_client, tmdb_settings, fake_tmdb, django_capture_on_commit_callbacks
):
    """The breaker: once TMDB failed, other movies' details are not asked for in the request at
    all; each is queued for the worker, whose task stores them."""
    failing, other = stored_movie(), stored_movie(tmdb_id=551, title="Other (stored)")
    fake_tmdb.fail_next("/3/movie/", status=500, times=ATTEMPTS)
    with django_capture_on_commit_callbacks() as queued:
        assert api_client.get(url(failing.pk)).json() == stored_body(failing)
        asked = len(fake_tmdb.requests)
        response = api_client.get(url(other.pk))

    assert response.status_code == 200
    assert response.json()["runtime"] is None
    assert len(fake_tmdb.requests) == asked  # not asked: the breaker is open
    assert [c.__qualname__ for c in queued] == ["queue catalog.tasks.movie_details_fetch"] * 2

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()  # what the worker runs (eagerly here: config/settings/test.py)

    assert Movie.objects.get(pk=failing.pk).runtime == 139
    assert Movie.objects.get(pk=other.pk).details_synced_at is not None
    assert api_client.get(url(failing.pk)).json() == tmdb_body(failing)


def test_a_full_rate_cap_queues_the_fetch_without_waiting_or_tripping_the_breaker(
    api_client, tmdb_settings, fake_tmdb, settings, django_capture_on_commit_callbacks
):
    from catalog.services import DETAILS_BREAKER
    from tmdb.ratelimit import RateLimiter

    settings.TMDB = {**settings.TMDB, "RATE_LIMIT_PER_SECOND": 1.0}
    storage = settings.TMDB["RATE_LIMIT_STORAGE"]  # Redis with REDIS_URL, as the client counts
    limiter = RateLimiter(1.0, storage_uri=storage, key=f"tmdb:{fake_tmdb.base_url}")
    assert limiter.try_acquire()  # the second's one slot
    movie = stored_movie()

    with django_capture_on_commit_callbacks() as queued:
        assert api_client.get(url(movie.pk)).json() == stored_body(movie)

    assert fake_tmdb.requests == []
    assert [c.__qualname__ for c in queued] == ["queue catalog.tasks.movie_details_fetch"]
    assert DETAILS_BREAKER.current_state == "closed"
