"""The favorites list cache: keys ``favorite_movie_list_<user_id>_page_<page>``, one version
per user.

Every key of a user is stored under that user's current version (Django's cache ``version``),
so bumping it drops all of the user's pages at once. A request reads the version before it
reads the database; a slow request that read the old data stores it under the old version,
where nobody looks any more: once a write has committed and bumped, no stale page is served.
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


def user_version(user_id: int) -> int | None:
    """The user's current cache version; None when the cache cannot be used (it is down)."""
    key = _version_key(user_id)
    version = cache.get(key)
    if version is None:
        # Time-based, so a version lost to eviction is never reused.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def bump_user_versions(user_ids: Any) -> None:
    for user_id in set(user_ids):
        # No version yet (ValueError) means nothing cached can be stale.
        with contextlib.suppress(ValueError):
            cache.incr(_version_key(user_id))


def get_page(key: str, version: int) -> dict | None:
    return cache.get(key, version=version)


def set_page(key: str, version: int, data: dict) -> None:
    cache.set(key, data, timeout=favorites_settings.CACHE_TIMEOUT, version=version)
