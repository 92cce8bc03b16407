"""The favorites list cache: keys ``favorite_movie_list_<user_id>_page_<page>`` (the API spec's
names; ``_size_<n>`` for an explicit page size), valid for one version of the user's namespace
(``core.versioned_cache``), bumped by every change to what the user's pages show."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from core import versioned_cache
from core.versioned_cache import Namespace, Read, Snapshot
from favorites.conf import favorites_settings


def page_key(*, user_id: int, page: int, page_size: int | None = None) -> str:
    key = f"favorite_movie_list_{user_id}_page_{page}"
    return f"{key}_size_{page_size}" if page_size else key


def user_namespace(user_id: int) -> Namespace:
    """Bumped whenever what the user's favorites show changes. Other apps stamp their per-user
    entries with it too, to be invalidated with the user's favorites (recommendations)."""
    return Namespace(f"favorite_movie_list_{user_id}_version")


def bump_user_versions(user_ids: Iterable[int]) -> None:
    versioned_cache.bump(*(user_namespace(user_id) for user_id in set(user_ids)))


@dataclass(frozen=True)
class FavoritePages:
    """One user's cached favorites pages (a ``core.api.pagination.PlannedPageCache``)."""

    user_id: int

    @property
    def timeout(self) -> float:
        return cast(float, favorites_settings.CACHE_TIMEOUT)

    def page_key(self, page: int, page_size: int | None) -> str:
        return page_key(user_id=self.user_id, page=page, page_size=page_size)

    def plan(self, key: str | None) -> Read:
        return Read([user_namespace(self.user_id)], [key] if key else [])

    def held(self, snapshot: Snapshot) -> Snapshot:
        return snapshot

    def read(self, key: str | None) -> Snapshot:
        return self.held(versioned_cache.read_many([self.plan(key)])[0])
