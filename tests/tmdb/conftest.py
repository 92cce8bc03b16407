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
    """Builds clients of ``fake_tmdb`` (``FakeTMDB.client``: tiny backoffs, no practical rate
    cap); keyword arguments override those defaults. The clients are closed after the test."""
    clients: list[TMDBClient] = []

    def make(**options: Any) -> TMDBClient:
        clients.append(fake_tmdb.client(**{"backoff_max": 1.0, **options}))
        return clients[-1]

    yield make
    for tmdb_client in clients:
        tmdb_client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TMDBClient:
    return make_client()
