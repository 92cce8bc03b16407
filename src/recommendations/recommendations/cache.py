"""Per-user caches of recommendations. Both hold for one neighbour-table build and one favorites
version of the user (read through ``favorites.selectors``), so a new build or any change to the
user's favorites invalidates them:

- picks, ``recommendations_<user_id>_build_<build_id>``, stored under the favorites version:
  movie ids, scores and reasons for every page (the costly part to compute);
- pages, ``recommendations_<user_id>_page_<page>`` (``_size_<n>`` for an explicit page size):
  the serialized page (count and results, no links), stored with the favorites version, the
  movies version and the build it was built for. The movies version is bumped when the catalog
  changes or deletes a movie (``recommendations.receivers``): a page shows titles.

A cached page costs one round trip: the favorites version, the current build, the movies
version and the page are read together. Versions are read before the data a page is built from,
so a page built from data that a committed change has since made stale carries an older version
and is never served. A missing version is initialised time-based (never a value it had before);
with the cache down every request computes.
"""

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from favorites.selectors import favorites_version_with
from recommendations.conf import recommendations_settings
from recommendations.selectors import CURRENT_BUILD_KEY, Pick, served_build_id

MOVIES_VERSION_KEY = "recommendations:movies_version"


@dataclass(frozen=True)
class PageRead:
    """What the one round trip of a recommendations request found."""

    user_id: int
    build_id: int | None
    versions: tuple[int, int, int | None] | None  # favorites, movies, build; None: cache down
    key: str | None  # the page's key; None: not a cacheable page
    page: dict | None  # the cached page, when built for this build and these versions


def _picks_key(user_id: int, build_id: int | None) -> str:
    return f"recommendations_{user_id}_build_{build_id or 0}"


def page_key(*, user_id: int, page: int, page_size: int | None) -> str:
    key = f"recommendations_{user_id}_page_{page}"
    return f"{key}_size_{page_size}" if page_size else key


def read_page(*, user_id: int, page: int | None, page_size: int | None) -> PageRead:
    """The served build, the user's versions and the cached page (``page`` None: an odd page
    string, never cached), in one round trip when the versions and the build are cached."""
    key = None if page is None else page_key(user_id=user_id, page=page, page_size=page_size)
    keys = [CURRENT_BUILD_KEY, MOVIES_VERSION_KEY, *([key] if key else [])]
    favorites, found = favorites_version_with(user_id=user_id, keys=keys)
    build_id = served_build_id(found.get(CURRENT_BUILD_KEY))
    movies = found.get(MOVIES_VERSION_KEY)
    if movies is None and favorites is not None:
        cache.add(MOVIES_VERSION_KEY, time.time_ns(), timeout=None)
        movies = cache.get(MOVIES_VERSION_KEY)
    versions = None if favorites is None or movies is None else (favorites, movies, build_id)
    stored = found.get(key) if key else None
    if versions is None or stored is None or stored[0] != versions:
        return PageRead(user_id, build_id, versions, key, None)
    return PageRead(user_id, build_id, versions, key, stored[1])


def cached_picks(read: PageRead, compute: Callable[[], list[Pick]]) -> list[Pick]:
    if read.versions is None:  # cache unavailable: compute every time
        return compute()
    key, version = _picks_key(read.user_id, read.build_id), read.versions[0]
    picks = cache.get(key, version=version)
    if picks is None:
        picks = compute()
        cache.set(key, picks, timeout=recommendations_settings.CACHE_TIMEOUT, version=version)
    return picks


def store_page(read: PageRead, data: dict) -> None:
    if read.key is not None and read.versions is not None:
        cache.set(read.key, (read.versions, data), timeout=recommendations_settings.CACHE_TIMEOUT)


def bump_movies_version() -> None:
    # No version yet (ValueError): the next reader starts a new one, unlike any stored page's.
    with contextlib.suppress(ValueError):
        cache.incr(MOVIES_VERSION_KEY)
