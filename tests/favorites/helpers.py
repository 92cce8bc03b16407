"""Test helpers shared by the favorites and recommendations suites."""

from types import ModuleType
from typing import Any

from rest_framework.test import APIClient


class _RecordingCache:
    def __init__(self, cache: Any, calls: list[str]) -> None:
        self._cache, self._calls = cache, calls

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._cache, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(name)
            return method(*args, **kwargs)

        return recorded


def record_cache_calls(monkeypatch, *modules: ModuleType) -> list[str]:
    """Make each module's ``cache`` record the names of the methods called on it, in order
    (with django-redis, one call is one round trip to Redis)."""
    calls: list[str] = []
    for module in modules:
        monkeypatch.setattr(module, "cache", _RecordingCache(module.cache, calls))
    return calls


def client_skipping_authentication(user) -> APIClient:
    """A client whose requests are authenticated as ``user`` without a token: the queries they
    make are the endpoint's own, however authentication reads the user."""
    client = APIClient()
    client.force_authenticate(user=user)
    return client
