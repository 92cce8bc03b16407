"""The favorites list cache: keys ``favorite_movie_list_<user_id>_page_<page>`` (the API spec's
names; ``_size_<n>`` for an explicit page size), one version per user.

A page is stored with the user's version it was built for, and read together with the current
version in one round trip; a page built for another version is a miss, so bumping the version
drops all of the user's pages at once. A request reads the version before it reads the
database; a slow request that read the old data stores it with the old version, which no reader
accepts any more (at worst it replaces a newer page: one more miss): once a write has committed
and bumped, no stale page is served.
"""

import contextlib
import time
from typing import Any

from django.core.cache import cache

from favorites.conf import favorites_settings


def page_key(*, user_id: int, page: int, page_size: int | None = None) -> str:
    key = f"favorite_movie_list_{user_id}_page_{page}"
    return f"{key}_size_{page_size}" if page_size else key


def _version_key(user_id: int) -> str:
    return f"favorite_movie_list_{user_id}_version"


def user_version_with(user_id: int, keys: list[str]) -> tuple[int | None, dict[str, Any]]:
    """The user's current cache version (None when the cache cannot be used: it is down) and
    the cached values of ``keys`` (absent when missing), read in one round trip."""
    version_key = _version_key(user_id)
    found = cache.get_many([version_key, *keys])
    version = found.pop(version_key, None)
    if version is None:
        # Time-based, so a version lost to eviction is never reused.
        cache.add(version_key, time.time_ns(), timeout=None)
        version = cache.get(version_key)
    return version, found


def user_version(user_id: int) -> int | None:
    return user_version_with(user_id, [])[0]


def bump_user_versions(user_ids: Any) -> None:
    for user_id in set(user_ids):
        # No version yet (ValueError) means nothing cached can be stale.
        with contextlib.suppress(ValueError):
            cache.incr(_version_key(user_id))


def get_page(*, user_id: int, key: str) -> tuple[int | None, dict | None]:
    """The user's current version and the page under ``key`` if it was built for that version
    (else None): one round trip."""
    version, found = user_version_with(user_id, [key])
    stored = found.get(key)
    if version is None or stored is None or stored[0] != version:
        return version, None
    return version, stored[1]


def set_page(key: str, version: int, data: dict) -> None:
    cache.set(key, (version, data), timeout=favorites_settings.CACHE_TIMEOUT)
