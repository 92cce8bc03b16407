"""Every cache key of the catalog, and the catalog version that invalidates them all at once.

Entries live under stable keys as ``(version, data)``: the catalog version read *before* the
data was read, and the data. A read fetches the current version and the entry in one round trip
(``get_many``) and takes an entry of any other version as a miss. A change to the catalog bumps
the version, so every older entry becomes a miss at once (no key scan, no delete race). A
response computed from data read before the bump carries an older version and is never served
after it.
"""

import hashlib
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

VERSION_KEY = "catalog:version"


def cached_get(key: str) -> tuple[int, Any]:
    """The current catalog version, and the entry stored under ``key`` for it (None: a miss).

    Store what you compute on a miss with ``cached_set`` and this version.
    """
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return _version_init(), None
    entry = found.get(key)
    if entry is None or entry[0] != version:
        return version, None
    return version, entry[1]


def cached_set(key: str, version: int, data: Any, timeout: float) -> None:
    """Store ``data``, read from the database after ``version`` was read by ``cached_get``."""
    cache.set(key, (version, data), timeout=timeout)


def _version_init() -> int:
    # A fresh start: a time-based value, never one an evicted key may have had before.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    return int(cache.get(VERSION_KEY) or 0)


def bump_catalog_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is missing (evicted, or never read yet)
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def movie_list_key(*, base_url: str, params: Iterable[tuple[str, str]]) -> str:
    """One entry per (host, every query parameter) combination; order of parameters ignored."""
    return f"catalog:movies:{_digest([base_url, *map('='.join, sorted(params))])}"


def movie_detail_key(movie_id: int) -> str:
    return f"catalog:movie:{movie_id}"


def movie_count_key(sql: str) -> str:
    return f"catalog:count:{_digest([sql])}"


def genre_list_key() -> str:
    return "catalog:genres"


def details_failed_key(movie_id: int) -> str:
    """Set when TMDB failed to give a movie's details, so we do not ask again at once."""
    return f"catalog:details-failed:{movie_id}"
