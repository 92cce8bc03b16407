"""Fixtures shared by every suite: API clients and users. App-specific ones live in each suite."""

import socket
from pathlib import Path

import pytest
import redis
from django.apps import apps
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import SessionRefreshToken
from core import versioned_cache
from core.api import throttling
from tests.accounts.factories import UserFactory

# Test modules that need an app the project may leave out (tests/project/test_pluggable.py runs
# the suites without it): not collected then.
NEEDS = {
    "watchlist": ["watchlist", "recommendations/test_signals.py", "project/test_idor_signals.py",
                  "project/test_account_states.py", "project/test_account_data_signals.py",
                  "imports"],
    "ratings": ["ratings", "recommendations/test_signals.py", "project/test_idor_signals.py",
                "project/test_account_states.py", "project/test_account_data_signals.py",
                "history/test_letterboxd.py", "imports"],
    "history": ["history", "project/test_account_states.py",
                "project/test_account_data_signals.py", "project/test_idor_signals.py",
                "imports"],
    "imports": ["imports"],
}  # fmt: skip
HERE = Path(__file__).parent


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    for app, paths in NEEDS.items():
        if not apps.is_installed(app) and any(
            collection_path == HERE / path or HERE / path in collection_path.parents
            for path in paths
        ):
            return True
    return None


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (throttle counters and cached pages included)."""
    cache.clear()
    throttling.LOCAL_FALLBACK.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {SessionRefreshToken.for_user(user).access_token}"
    )
    return client


def read_page(pages, key: str | None):
    """What a read of the cached page ``key`` of ``pages`` (a ``PageCache``) finds now."""
    return pages.found(versioned_cache.read_many([pages.page_read(key)])[0])


@pytest.fixture
def auth_client(user) -> APIClient:
    return client_for(user)


@pytest.fixture
def cache_down(settings):
    """The default cache on a Redis port where nothing listens, as django-redis is deployed
    (errors ignored): every read misses, every write is lost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        },
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True


@pytest.fixture
def throttle_rates(settings):
    """Set DRF throttle rates for one test: ``throttle_rates(token="2/min")``."""

    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


@pytest.fixture
def redis_commands(monkeypatch) -> list[str]:
    """The commands that reach a Redis connection (the breaker's refusals never do)."""
    sent: list[str] = []
    real = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(str(args[0]))
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real Celery worker on a real broker while the test runs (tests/celery_worker.py); the
    database is committed (the worker's thread reads what the test's requests wrote)."""
    from tests.celery_worker import celery_worker

    with celery_worker(tmp_path) as worker:
        yield worker
