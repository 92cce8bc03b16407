"""tmdb_requests_total: each call to TMDB counted once, after its retries, by outcome."""

import pytest
from prometheus_client import REGISTRY

from tests.tmdb.conftest import MakeClient
from tmdb.client import TMDBClient
from tmdb.exceptions import TMDBError
from tmdb.testing.server import FakeTMDB


def calls(outcome: str) -> float:
    return REGISTRY.get_sample_value("tmdb_requests_total", {"outcome": outcome}) or 0.0


def test_calls_are_counted_by_outcome(
    client: TMDBClient, make_client: MakeClient, fake_tmdb: FakeTMDB
) -> None:
    outcomes = ("ok", "not_found", "auth_error", "unavailable")
    before = {outcome: calls(outcome) for outcome in outcomes}
    client.genres()
    client.popular()
    fake_tmdb.known_movies_only = True
    fake_tmdb.fail_next("/3/movie/popular", status=503, times=10)  # past the retries
    for failing in (lambda: client.movie(123), make_client(api_key="wrong").genres, client.popular):
        with pytest.raises(TMDBError):
            failing()

    moved = {outcome: calls(outcome) - before[outcome] for outcome in outcomes}
    assert moved == {"ok": 2, "not_found": 1, "auth_error": 1, "unavailable": 1}
