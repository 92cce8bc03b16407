from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tmdb.client import TMDBClient
from tmdb.testing.server import FakeTMDB

MakeClient = Callable[..., TMDBClient]


@pytest.fixture
def fake_tmdb() -> Iterator[FakeTMDB]:
    with FakeTMDB() as server:
        yield server


@pytest.fixture
def make_client(fake_tmdb: FakeTMDB) -> Iterator[MakeClient]:
    """Builds clients of ``fake_tmdb`` with tiny backoffs and no practical rate cap; keyword
    arguments override those defaults. The clients are closed after the test."""
    clients: list[TMDBClient] = []

    def make(**options: Any) -> TMDBClient:
        defaults: dict[str, Any] = {
            "api_key": fake_tmdb.api_key,
            "base_url": fake_tmdb.base_url,
            "timeout": (2.0, 2.0),
            "backoff_factor": 0.01,
            "backoff_max": 1.0,
            "rate_limit_per_second": 1000.0,
        }
        clients.append(TMDBClient(**{**defaults, **options}))
        return clients[-1]

    yield make
    for tmdb_client in clients:
        tmdb_client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TMDBClient:
    return make_client()
