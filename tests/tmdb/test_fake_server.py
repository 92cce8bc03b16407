"""The fake's own behaviour that the client tests do not reach."""

import threading
import time

import pytest
import requests

from tmdb.testing.server import FakeTMDB, example


def get(server: FakeTMDB, path: str, **params: str) -> requests.Response:
    return requests.get(
        server.base_url + path, params={"api_key": server.api_key, **params}, timeout=5
    )


def test_past_the_last_page_is_an_empty_page(fake_tmdb: FakeTMDB) -> None:
    body = get(fake_tmdb, "/movie/popular", page="4").json()

    assert (body["page"], body["total_pages"], body["results"]) == (4, 3, [])


@pytest.mark.parametrize("page", ["0", "501", "two"])
def test_invalid_page(fake_tmdb: FakeTMDB, page: str) -> None:
    response = get(fake_tmdb, "/movie/top_rated", page=page)

    assert response.status_code == 400
    assert response.json()["status_code"] == 22


def test_unknown_path(fake_tmdb: FakeTMDB) -> None:
    response = get(fake_tmdb, "/tv/popular")

    assert (response.status_code, response.json()["status_code"]) == (404, 34)


def test_credentials_are_required(fake_tmdb: FakeTMDB) -> None:
    response = requests.get(fake_tmdb.base_url + "/genre/movie/list", timeout=5)

    assert (response.status_code, response.json()["status_code"]) == (401, 7)


def test_known_movies_only(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.known_movies_only = True
    fake_tmdb.add_movie(7, title="Seven")

    assert get(fake_tmdb, "/movie/550").status_code == 200
    assert get(fake_tmdb, "/movie/7").json()["title"] == "Seven"
    assert get(fake_tmdb, "/movie/8").status_code == 404


def test_faults_match_path_prefixes_in_order(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.fail_next("/3/movie/5", status=503)
    fake_tmdb.fail_next("/3/", status=500)

    assert get(fake_tmdb, "/genre/movie/list").status_code == 500
    assert get(fake_tmdb, "/movie/550").status_code == 503
    assert get(fake_tmdb, "/movie/550").status_code == 200


def test_stop_ends_delayed_responses_at_once() -> None:
    server = FakeTMDB().start()
    server.delay_next("/3/", 60.0)
    errors: list[Exception] = []

    def call() -> None:
        try:
            get(server, "/genre/movie/list")
        except requests.ConnectionError as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop()
    thread.join(timeout=10)

    # The delayed request ends with the server, not 60 s later, and without an answer.
    assert not thread.is_alive()
    assert len(errors) == 1


def test_find_and_search_answer_in_tmdb_shapes(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_movie(7, title="Seven", imdb_id="tt0114369")
    recorded_find = example("find-by-id.json")
    recorded_search = example("search-movie.json")

    found = get(fake_tmdb, "/find/tt0114369", external_source="imdb_id").json()
    searched = get(fake_tmdb, "/search/movie", query="seven").json()

    assert found.keys() == recorded_find.keys()
    assert found["movie_results"][0].keys() == recorded_find["movie_results"][0].keys()
    assert searched.keys() == recorded_search.keys()
    assert searched["results"][0].keys() == recorded_search["results"][0].keys()
