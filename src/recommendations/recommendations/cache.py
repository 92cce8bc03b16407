"""Per-user caches of recommendations (``core.versioned_cache``). Both hold for one
neighbour-table build and one version of each of the user's namespaces: their favorites (named
by ``favorites.cache``), their hidden movies (``HIDDEN``) and the other apps' signals
(``RECOMMENDATIONS['USER_NAMESPACES']``: watchlist, ratings), so a new build or any change to
what the user keeps invalidates them:

- picks, ``recommendations_<user_id>_build_<build_id>``, stamped with the user's versions:
  movie ids, scores and reasons for every page (the costly part to compute);
- pages, ``recommendations_<user_id>_page_<page>`` (``_size_<n>`` for an explicit page size):
  the page (count and results, no links), stamped with the user's versions, the movies version
  and the build. The movies version is bumped when the catalog changes or removes a movie
  (``recommendations.receivers``): a page shows titles.

A cached page costs one round trip: the user's versions, the movies version, the current build
and the page are read together. The hidden movies' own list is cached as ``HIDDEN``'s pages,
``recommendations_hidden_<user_id>_page_<page>``.

Similar movies, public, ``recommendations:similar:<digest>`` per canonical URL (host, movie,
paging): the rendered page, stamped with the movies version and the build.
"""

import hashlib
from collections.abc import Callable
from typing import cast

from core import versioned_cache
from core.user_lists import UserListCache
from core.versioned_cache import Namespace, Read, Snapshot
from favorites.cache import user_namespace as favorites_namespace
from recommendations.conf import recommendations_settings
from recommendations.selectors import CURRENT_BUILD_KEY, Pick, served_build_id
from recommendations.sources import user_namespaces

MOVIES = Namespace("recommendations:movies_version")
HIDDEN = UserListCache(
    "recommendations_hidden", timeout=lambda: cast(float, recommendations_settings.CACHE_TIMEOUT)
)


def user_versions(user_id: int) -> list[Namespace]:
    """The namespaces of what the user keeps that their recommendations depend on."""
    return [favorites_namespace(user_id), HIDDEN.namespace(user_id), *user_namespaces(user_id)]


def similar_page_key(url: str) -> str:
    """A page of a movie's similar movies: one entry per canonical URL (the host, the movie,
    the paging parameters: ``core.api.pagination.canonical_url``)."""
    return f"recommendations:similar:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def similar_read(keys: list[str]) -> Snapshot:
    """The versioned read of similar-movie pages: the movies version and the served build."""
    snapshot = versioned_cache.read([MOVIES], [CURRENT_BUILD_KEY, *keys])
    return snapshot.extended(served_build_id(snapshot.found.get(CURRENT_BUILD_KEY)))


def picks_key(user_id: int, build_id: int | None) -> str:
    return f"recommendations_{user_id}_build_{build_id or 0}"


def page_key(*, user_id: int, page: int, page_size: int | None) -> str:
    key = f"recommendations_{user_id}_page_{page}"
    return f"{key}_size_{page_size}" if page_size else key


class RecommendationPages:
    """One user's cached recommendation pages (a ``core.api.pagination.PageCache``); a page's
    read also reads the served build, which ``found`` learns: the picks are computed for it."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.build_id: int | None = None

    @property
    def timeout(self) -> float:
        return cast(float, recommendations_settings.CACHE_TIMEOUT)

    def page_key(self, page: int, page_size: int | None) -> str:
        return page_key(user_id=self.user_id, page=page, page_size=page_size)

    def page_read(self, key: str | None) -> Read:
        namespaces = [*user_versions(self.user_id), MOVIES]
        return Read(namespaces, [CURRENT_BUILD_KEY, *([key] if key else [])])

    def found(self, snapshot: Snapshot) -> Snapshot:
        self.build_id = served_build_id(snapshot.found.get(CURRENT_BUILD_KEY))
        return snapshot.extended(self.build_id)

    def picks(self, compute: Callable[[], list[Pick]]) -> list[Pick]:
        """The user's picks for the build ``read`` found, computed once per user versions."""
        return versioned_cache.cached(
            user_versions(self.user_id),
            picks_key(self.user_id, self.build_id),
            compute,
            timeout=self.timeout,
        )
