"""Fixtures for catalog tests that talk to TMDB: a fake TMDB server on 127.0.0.1, settings that
point the app at it, and a client of it for the services."""

from collections.abc import Iterator

import pytest

from tmdb.client import TMDBClient
from tmdb.testing.server import FakeTMDB

# urllib3 sleeps ``backoff_factor * 2 ** (n - 1)`` before the n-th retry but not before the first,
# and ``TMDBClient.from_settings`` takes no backoff setting: with one retry, code that builds its
# client from settings (the commands, the detail view) never sleeps between attempts.
SETTINGS_RETRIES = 1
CLIENT_RETRIES = 2


@pytest.fixture
def fake_tmdb(request) -> Iterator[FakeTMDB]:
    """A running fake TMDB; parametrize it indirectly to pass ``FakeTMDB`` options:
    ``@pytest.mark.parametrize("fake_tmdb", [{"known_movies_only": True}], indirect=True)``."""
    with FakeTMDB(**getattr(request, "param", {})) as server:
        yield server


@pytest.fixture
def tmdb_settings(settings, fake_tmdb: FakeTMDB) -> dict:
    """``settings.TMDB`` pointing at ``fake_tmdb``, fast: one retry, short timeouts, no cap."""
    settings.TMDB = {
        **settings.TMDB,
        "API_KEY": fake_tmdb.api_key,
        "READ_ACCESS_TOKEN": "",
        "BASE_URL": fake_tmdb.base_url,
        "MAX_RETRIES": SETTINGS_RETRIES,
        "TIMEOUT": (2.0, 2.0),
        "RATE_LIMIT_PER_SECOND": 1000.0,
    }
    return settings.TMDB


@pytest.fixture
def tmdb(fake_tmdb: FakeTMDB) -> Iterator[TMDBClient]:
    """A client of ``fake_tmdb`` for calling services directly: two retries, tiny backoffs."""
    with fake_tmdb.client(max_retries=CLIENT_RETRIES) as client:
        yield client


@pytest.fixture(autouse=True)
def _catalog_detail_alone(settings):
    """The catalog's own detail: no other app's extras (ratings adds its average in the
    project; tests/ratings checks it there)."""
    settings.CATALOG = {**getattr(settings, "CATALOG", {}), "DETAIL_EXTRAS": []}


@pytest.fixture(autouse=True)
def _tmdb_details_breaker_closed():
    """Each test starts with TMDB's details breaker closed (it is the process's)."""
    from catalog.services import DETAILS_BREAKER

    DETAILS_BREAKER.close()
    yield
    DETAILS_BREAKER.close()
