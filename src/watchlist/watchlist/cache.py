"""The watchlist's cache: pages ``watchlist_<user_id>_page_<page>`` (``_size_<n>`` for an
explicit page size), valid for one version of the user's namespace ``watchlist_<user_id>_version``,
bumped by every change to what the user's pages show (``watchlist.receivers``). The
recommendations stamp the user's picks with it too (``RECOMMENDATIONS['USER_NAMESPACES']``)."""

from typing import cast

from core.user_lists import UserListCache
from core.versioned_cache import Namespace
from watchlist.conf import watchlist_settings

WATCHLISTS = UserListCache(
    "watchlist", timeout=lambda: cast(float, watchlist_settings.CACHE_TIMEOUT)
)


def user_namespace(user_id: int) -> Namespace:
    return WATCHLISTS.namespace(user_id)
