"""The favorites list cache: keys ``favorite_movie_list_<user_id>_page_<page>`` (the API spec's
names; ``_size_<n>`` for an explicit page size), valid for one version of the user's namespace
(``core.versioned_cache``), bumped by every change to what the user's pages show."""

from collections.abc import Iterable
from typing import cast

from core.user_lists import UserListCache
from core.versioned_cache import Namespace
from favorites.conf import favorites_settings

FAVORITE_LISTS = UserListCache(
    "favorite_movie_list", timeout=lambda: cast(float, favorites_settings.CACHE_TIMEOUT)
)


def page_key(*, user_id: int, page: int, page_size: int | None = None) -> str:
    return FAVORITE_LISTS.page_key(user_id=user_id, page=page, page_size=page_size)


def user_namespace(user_id: int) -> Namespace:
    """Bumped whenever what the user's favorites show changes. Other apps stamp their per-user
    entries with it too, to be invalidated with the user's favorites (recommendations)."""
    return FAVORITE_LISTS.namespace(user_id)


def bump_user_versions(user_ids: Iterable[int]) -> None:
    FAVORITE_LISTS.bump_users(user_ids)
