"""Every cache key of the catalog, and the catalog version that invalidates them all at once.

Keys embed the current catalog version; a change to the catalog bumps it, so every older entry
becomes unreachable at once (no key scan, no delete race). A response computed from data read
before the bump is stored under the old version and is never served.
"""

import hashlib
import time
from collections.abc import Iterable

from django.core.cache import cache

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start: a time-based value, never one an evicted key may have had before.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY) or 0
    return int(version)


def bump_catalog_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is missing (evicted, or never read yet)
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def movie_list_key(*, base_url: str, params: Iterable[tuple[str, str]]) -> str:
    """One entry per (host, every query parameter) combination; order of parameters ignored."""
    return (
        f"catalog:{catalog_version()}:movies:{_digest([base_url, *map('='.join, sorted(params))])}"
    )


def movie_detail_key(movie_id: int) -> str:
    return f"catalog:{catalog_version()}:movie:{movie_id}"


def movie_count_key(sql: str) -> str:
    return f"catalog:{catalog_version()}:count:{_digest([sql])}"


def genre_list_key() -> str:
    return f"catalog:{catalog_version()}:genres"


def details_failed_key(movie_id: int) -> str:
    """Set when TMDB failed to give a movie's details, so we do not ask again at once."""
    return f"catalog:details-failed:{movie_id}"
