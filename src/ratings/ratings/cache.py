"""The ratings' cache: a user's pages ``ratings_<user_id>_page_<page>`` (``_size_<n>`` for an
explicit page size), valid for one version of ``ratings_<user_id>_version``, bumped by every
change to the user's ratings or to a movie they rated. The recommendations stamp the user's
picks with it too (``RECOMMENDATIONS['USER_NAMESPACES']``). A movie's average lives in the
catalog's cached detail, invalidated for that movie alone (``catalog.signals``)."""

from typing import cast

from core.user_lists import UserListCache
from core.versioned_cache import Namespace
from ratings.conf import ratings_settings

RATING_LISTS = UserListCache("ratings", timeout=lambda: cast(float, ratings_settings.CACHE_TIMEOUT))


def user_namespace(user_id: int) -> Namespace:
    return RATING_LISTS.namespace(user_id)
