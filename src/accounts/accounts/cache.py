"""The users that authentication trusts without a query: keys ``accounts_auth_user_<id>``
holding ``(version, user)`` and ``accounts_auth_user_<id>_version``, both read in one round trip.

A cached user counts only if it was stored under the current version. Invalidation deletes the
version, and a new one is random: a slow request that read the user before a change committed
stores it under a version that will never be current again, so no stale user is served once
the change has committed and invalidated. A cache that is down returns nothing and stores
nothing: every request then reads the database.
"""

import secrets

from django.core.cache import cache

from accounts.conf import accounts_settings
from accounts.models import User


def _keys(user_id: object) -> tuple[str, str]:
    return f"accounts_auth_user_{user_id}", f"accounts_auth_user_{user_id}_version"


def auth_user_get(user_id: object) -> tuple[User | None, str | None]:
    """The cached user and its version; on a miss, None and the version to store a fresh user
    under (None too when nothing may be stored now: cache down, or another request racing)."""
    user_key, version_key = _keys(user_id)
    found = cache.get_many([user_key, version_key])
    version = found.get(version_key)
    entry = found.get(user_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1], version
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, timeout=accounts_settings.USER_CACHE_TIMEOUT):
            return None, None
    return None, version


def auth_user_set(user_id: object, user: User, *, version: str) -> None:
    """Store a user read from the database under the version read before it."""
    user_key, _ = _keys(user_id)
    cache.set(user_key, (version, user), timeout=accounts_settings.USER_CACHE_TIMEOUT)


def auth_user_invalidate(user_id: object) -> None:
    cache.delete_many(_keys(user_id))
