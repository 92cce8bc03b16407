"""Fixtures shared by every suite: API clients and users. App-specific ones live in each suite."""

import socket

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import SessionRefreshToken
from core.api import throttling
from tests.accounts.factories import UserFactory


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
