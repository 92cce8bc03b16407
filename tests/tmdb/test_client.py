import datetime
import email.utils
import functools
import socket
import time
from collections.abc import Callable

import pytest
import requests

from tmdb.client import TMDBClient, _retry_after
from tmdb.exceptions import (
    TMDBAuthError,
    TMDBBadRequest,
    TMDBError,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from tmdb.testing.server import ID_STRIDE, FakeTMDB
from tmdb.types import ChangedItem, Genre, MovieDetails, MovieSummary

MakeClient = Callable[..., TMDBClient]
# 1 + TMDBClient's default max_retries
ATTEMPTS = 5


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Happy paths


def test_genres(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    genres = client.genres()

    assert len(genres) == 19
    assert genres[0] == Genre(id=28, name="Action")
    (request,) = fake_tmdb.requests_to("/3/genre/movie/list")
    assert request.query == {"language": "en-US", "api_key": fake_tmdb.api_key}
    assert "Authorization" not in request.headers


def test_read_access_token_goes_in_a_bearer_header_instead_of_the_key(
    make_client: MakeClient, fake_tmdb: FakeTMDB
) -> None:
    client = make_client(api_key="ignored", read_access_token=fake_tmdb.read_access_token)

    client.genres()

    (request,) = fake_tmdb.requests
    assert request.headers["Authorization"] == f"Bearer {fake_tmdb.read_access_token}"
    assert "api_key" not in request.query


def test_movie(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    movie = client.movie(550)

    assert isinstance(movie, MovieDetails)
    assert (movie.id, movie.title, movie.imdb_id) == (550, "Fight Club", "tt0137523")
    assert movie.release_date == datetime.date(1999, 10, 15)
    assert movie.genres == (Genre(id=18, name="Drama"),)
    assert movie.runtime == 139
    assert fake_tmdb.requests_to("/3/movie/550")[0].query["language"] == "en-US"


def test_movie_serves_registered_details(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_movie(7, title="Seven", genres=[{"id": 80, "name": "Crime"}])

    movie = client.movie(7)

    assert (movie.id, movie.title, movie.genre_ids) == (7, "Seven", (80,))


def test_find_by_imdb_id(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_movie(7, title="Seven", imdb_id="tt0114369", release_date="1995-09-22")

    (movie,) = client.find_by_imdb_id("tt0114369")

    assert isinstance(movie, MovieSummary)
    assert (movie.id, movie.title, movie.release_date) == (7, "Seven", datetime.date(1995, 9, 22))
    assert client.find_by_imdb_id("tt0000000") == []
    request = fake_tmdb.requests_to("/3/find/tt0114369")[0]
    assert request.query["external_source"] == "imdb_id"


def test_search_movies_by_title_and_year(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_movie(11, title="Breathless", release_date="1983-05-13")
    fake_tmdb.add_movie(12, title="À bout de souffle", release_date="1960-03-16",
                        original_title="À bout de souffle")  # fmt: skip

    page = client.search_movies("breathless", year=1983)
    anywhen = client.search_movies("a bout de souffle")

    assert [(m.id, m.title) for m in page.results] == [(11, "Breathless")]
    assert (page.page, page.total_pages, page.total_results) == (1, 1, 1)
    assert [m.id for m in anywhen.results] == [12]
    first, second = fake_tmdb.requests_to("/3/search/movie")
    assert (first.query["query"], first.query["primary_release_year"]) == ("breathless", "1983")
    assert "primary_release_year" not in second.query


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.popular(page=2), "/3/movie/popular"),
        (lambda c: c.top_rated(page=2), "/3/movie/top_rated"),
        (lambda c: c.now_playing(page=2), "/3/movie/now_playing"),
        (lambda c: c.upcoming(page=2), "/3/movie/upcoming"),
        (lambda c: c.trending(page=2), "/3/trending/movie/day"),
        (lambda c: c.trending("week", page=2), "/3/trending/movie/week"),
    ],
)
def test_movie_lists(client: TMDBClient, fake_tmdb: FakeTMDB, call, path: str) -> None:
    page = call(client)

    assert (page.page, page.total_pages) == (2, 3)
    assert page.total_results == 3 * len(page.results) > 0
    assert all(isinstance(movie, MovieSummary) for movie in page.results)
    assert all(movie.id > ID_STRIDE for movie in page.results)
    (request,) = fake_tmdb.requests_to(path)
    assert request.query["page"] == "2"
    assert request.query["language"] == "en-US"


def test_unknown_trending_window_is_refused_before_any_request(
    client: TMDBClient, fake_tmdb: FakeTMDB
) -> None:
    with pytest.raises(ValueError, match="window"):
        client.trending("month")

    assert fake_tmdb.requests == []


def test_changes(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    page = client.changes(datetime.date(2024, 2, 1), datetime.date(2024, 2, 5))

    assert page.results[0] == ChangedItem(id=118488, adult=False)
    (request,) = fake_tmdb.requests_to("/3/movie/changes")
    assert request.query == {
        "start_date": "2024-02-01",
        "end_date": "2024-02-05",
        "page": "1",
        "api_key": fake_tmdb.api_key,
    }


def test_changes_serves_a_custom_feed(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.set_changes([*range(1, 150), {"id": 150, "adult": True}])

    page = client.changes(page=2)

    assert (page.page, page.total_pages, page.total_results) == (2, 2, 150)
    assert [item.id for item in page.results] == list(range(101, 151))
    assert page.results[-1].adult is True


def test_from_settings(settings, fake_tmdb: FakeTMDB) -> None:
    settings.TMDB = {
        **settings.TMDB,
        "READ_ACCESS_TOKEN": fake_tmdb.read_access_token,
        "BASE_URL": fake_tmdb.base_url,
        "LANGUAGE": "fr-FR",
        "TIMEOUT": (1.0, 2.0),
    }

    with TMDBClient.from_settings(backoff_factor=0.01) as client:
        client.genres()

    assert client.timeout == (1.0, 2.0)
    (request,) = fake_tmdb.requests
    assert request.headers["Authorization"] == f"Bearer {fake_tmdb.read_access_token}"
    assert request.query == {"language": "fr-FR"}


# Errors


@pytest.mark.parametrize(
    ("status", "error_class", "tmdb_code", "attempts"),
    [
        (400, TMDBBadRequest, None, 1),
        (401, TMDBAuthError, 7, 1),
        (403, TMDBBadRequest, None, 1),
        (404, TMDBNotFound, 34, 1),
        (429, TMDBRateLimited, 25, ATTEMPTS),
        (500, TMDBUnavailable, 11, ATTEMPTS),
        (502, TMDBUnavailable, 43, ATTEMPTS),
        (503, TMDBUnavailable, 9, ATTEMPTS),
        (504, TMDBUnavailable, 24, ATTEMPTS),
    ],
)
def test_error_statuses_map_to_exceptions_after_the_retries(
    client: TMDBClient, fake_tmdb: FakeTMDB, status, error_class, tmdb_code, attempts
) -> None:
    fake_tmdb.fail_next("/3/", status=status, times=10)

    with pytest.raises(error_class) as raised:
        client.popular()

    assert (raised.value.status_code, raised.value.tmdb_code) == (status, tmdb_code)
    assert len(fake_tmdb.requests_to("/3/movie/popular")) == attempts


def test_a_429_after_the_retries_carries_its_retry_after(
    make_client: MakeClient, fake_tmdb: FakeTMDB
) -> None:
    """A job told to wait learns how long, to try again no sooner (its own retry)."""
    client = make_client(max_retries=0)
    fake_tmdb.fail_next("/3/", status=429, retry_after=120)

    with pytest.raises(TMDBRateLimited) as raised:
        client.popular()

    assert raised.value.retry_after == 120.0


def test_a_429_asking_to_wait_longer_than_backoff_max_is_not_retried_sooner(
    make_client: MakeClient, fake_tmdb: FakeTMDB
) -> None:
    """A 503's Retry-After is capped (test above), a rate limit's is obeyed: the caller learns
    how long to wait instead of the client calling again too soon."""
    client = make_client(backoff_max=1.0)
    fake_tmdb.fail_next("/3/", status=429, retry_after=5)

    with pytest.raises(TMDBRateLimited) as raised:
        client.genres()

    assert raised.value.retry_after == 5.0
    assert len(fake_tmdb.requests) == 1  # no retry, hence no sleep before one


def test_a_429_without_retry_after(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    client = make_client(max_retries=0)
    fake_tmdb.fail_next("/3/", status=429)

    with pytest.raises(TMDBRateLimited) as raised:
        client.popular()

    assert raised.value.retry_after is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), (" 7 ", 7.0), ("", None), ("soon", None), ("-3", None),
     ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)  # fmt: skip
def test_retry_after_values(header: str, expected: float | None) -> None:
    assert _retry_after(header) == expected


def test_a_retry_after_date_counts_from_now() -> None:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=90)

    seconds = _retry_after(email.utils.format_datetime(moment, usegmt=True))

    assert seconds is not None and 80 < seconds <= 90


def test_invalid_api_key(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    client = make_client(api_key="wrong")

    with pytest.raises(TMDBAuthError) as raised:
        client.genres()

    assert (raised.value.status_code, raised.value.tmdb_code) == (401, 7)
    assert "Invalid API key" in str(raised.value)


def test_unknown_movie(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.known_movies_only = True

    with pytest.raises(TMDBNotFound) as raised:
        client.movie(123)

    assert (raised.value.status_code, raised.value.tmdb_code) == (404, 34)
    assert raised.value.message == (
        "GET /movie/123: The resource you requested could not be found."
    )


def test_page_out_of_range(client: TMDBClient) -> None:
    with pytest.raises(TMDBBadRequest) as raised:
        client.popular(page=501)

    assert (raised.value.status_code, raised.value.tmdb_code) == (400, 22)
    assert "Invalid page" in str(raised.value)


def test_validation_error_body(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/", status=422)

    with pytest.raises(TMDBBadRequest) as raised:
        client.popular()

    assert (raised.value.status_code, raised.value.tmdb_code) == (422, None)
    assert str(raised.value) == "GET /movie/popular: query must be provided"


def test_error_without_a_json_body(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/", status=502, times=10, body=b"<html>Bad Gateway</html>")

    with pytest.raises(TMDBUnavailable) as raised:
        client.genres()

    assert (raised.value.status_code, raised.value.tmdb_code) == (502, None)
    assert str(raised.value) == "GET /genre/movie/list: HTTP 502 Bad Gateway"


def test_invalid_json(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/", status=200, body=b"<html>maintenance</html>")

    with pytest.raises(TMDBUnavailable, match="invalid JSON") as raised:
        client.genres()

    assert raised.value.status_code == 200


def test_unexpected_json_shape(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/", status=200, body={"unexpected": True})

    with pytest.raises(TMDBUnavailable, match="unexpected response shape"):
        client.popular()


def test_dropped_connections(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.drop_next("/3/", times=10)

    with pytest.raises(TMDBUnavailable) as raised:
        client.genres()

    assert raised.value.status_code is None
    assert len(fake_tmdb.requests) == ATTEMPTS
    # requests' own message holds the URL, so the key; the client's must not.
    assert fake_tmdb.api_key not in str(raised.value)


def test_truncated_body(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.truncate_next("/3/")

    with pytest.raises(TMDBUnavailable):
        client.genres()


def test_read_timeout(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    client = make_client(timeout=(2.0, 0.1), max_retries=1)
    fake_tmdb.delay_next("/3/", 5.0, times=2)

    with pytest.raises(TMDBUnavailable, match="Read timed out"):
        client.genres()

    assert len(fake_tmdb.requests) == 2


def test_connection_refused(make_client: MakeClient) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{closed_port()}/3", max_retries=1)

    with pytest.raises(TMDBUnavailable) as raised:
        client.genres()

    assert "test-api-key" not in str(raised.value)


def test_every_error_is_a_tmdb_error() -> None:
    for error_class in (
        TMDBAuthError,
        TMDBBadRequest,
        TMDBNotFound,
        TMDBRateLimited,
        TMDBUnavailable,
    ):
        assert issubclass(error_class, TMDBError)


# Retries


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(client: TMDBClient, fake_tmdb: FakeTMDB, status) -> None:
    fake_tmdb.fail_next("/3/", status=status, times=2)

    assert len(client.genres()) == 19
    assert len(fake_tmdb.requests) == 3


def test_transient_transport_errors_are_retried(
    make_client: MakeClient, fake_tmdb: FakeTMDB
) -> None:
    client = make_client(timeout=(2.0, 0.2))
    fake_tmdb.drop_next("/3/")
    fake_tmdb.delay_next("/3/", 5.0)

    assert len(client.genres()) == 19
    assert len(fake_tmdb.requests) == 3


def test_max_retries_zero_sends_one_request(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    client = make_client(max_retries=0)
    fake_tmdb.fail_next("/3/", status=503)

    with pytest.raises(TMDBUnavailable):
        client.genres()

    assert len(fake_tmdb.requests) == 1


def test_retry_after_is_honoured(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/", status=429, retry_after=1)

    client.genres()

    first, second = fake_tmdb.requests
    # Without Retry-After the backoff would be 0.01s.
    assert second.time - first.time >= 0.99


def test_retry_after_is_capped_at_backoff_max(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    client = make_client(backoff_max=1.0)
    fake_tmdb.fail_next("/3/", status=503, retry_after=3)

    client.genres()

    first, second = fake_tmdb.requests
    assert 0.99 <= second.time - first.time < 2.5


# Connections, rate cap, pagination


def test_connections_are_reused(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    client.genres()
    client.genres()

    first, second = fake_tmdb.requests
    assert first.client_port == second.client_port


def test_rate_cap_holds_requests_back(make_client: MakeClient, fake_tmdb: FakeTMDB) -> None:
    """(The cap itself: tests/tmdb/test_ratelimit.py.)"""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    client = make_client(rate_limit_per_second=10.0, sleep=sleep)

    for _ in range(12):
        client.genres()

    assert len(fake_tmdb.requests) == 12
    assert waits  # the 11th and 12th waited for free slots


def test_context_manager_closes_the_session(
    monkeypatch: pytest.MonkeyPatch, fake_tmdb: FakeTMDB
) -> None:
    sessions: list[requests.Session] = []
    closed: list[requests.Session] = []

    class Session(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            sessions.append(self)

        def close(self) -> None:
            closed.append(self)
            super().close()

    monkeypatch.setattr(requests, "Session", Session)
    with TMDBClient(api_key=fake_tmdb.api_key, base_url=fake_tmdb.base_url) as client:
        client.genres()

    assert closed == sessions != []


def test_iter_pages_stops_at_total_pages(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    pages = list(client.iter_pages(client.popular))

    assert [page.page for page in pages] == [1, 2, 3]
    ids = [movie.id for page in pages for movie in page.results]
    assert len(set(ids)) == len(ids) == pages[0].total_results
    assert len(fake_tmdb.requests) == 3


def test_iter_pages_stops_at_max_pages(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    pages = list(client.iter_pages(client.top_rated, max_pages=2))

    assert [page.page for page in pages] == [1, 2]
    assert len(fake_tmdb.requests) == 2


def test_iter_pages_from_a_start_page(client: TMDBClient) -> None:
    fetch = functools.partial(client.trending, "week")

    assert [page.page for page in client.iter_pages(fetch, start=2)] == [2, 3]


def test_iter_pages_stops_at_tmdb_page_cap(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.total_pages = 1000

    pages = list(client.iter_pages(client.popular, start=499))

    assert [page.page for page in pages] == [499, 500]


def test_iter_pages_of_an_empty_list(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.set_changes([])

    pages = list(client.iter_pages(client.changes))

    assert [(page.page, page.results) for page in pages] == [(1, ())]


def test_iter_pages_is_lazy(client: TMDBClient, fake_tmdb: FakeTMDB) -> None:
    pages = client.iter_pages(client.popular)

    assert next(pages).page == 1
    assert len(fake_tmdb.requests) == 1
