"""The history's cache: a user's pages ``history_<user_id>_page_<page>`` (``_size_<n>`` for an
explicit page size), valid for one version of ``history_<user_id>_version``, bumped by every
change to the user's plays or to a movie they played (``history.receivers``). The
recommendations stamp the user's picks with it too (``RECOMMENDATIONS['USER_NAMESPACES']``)."""

from typing import cast

from core.user_lists import UserListCache
from core.versioned_cache import Namespace
from history.conf import history_settings

HISTORIES = UserListCache("history", timeout=lambda: cast(float, history_settings.CACHE_TIMEOUT))


def user_namespace(user_id: int) -> Namespace:
    return HISTORIES.namespace(user_id)
