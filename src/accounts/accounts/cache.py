"""The users that authentication trusts without a query: ``accounts_auth_user_<id>`` holds the
user, valid for one version of the user's namespace (``core.versioned_cache``), which any change
to the user (deactivation, new password, deletion, any save) bumps once committed. Both are read
in one round trip; with the cache down nothing is stored and every request reads the database."""

from core.versioned_cache import Namespace


def user_key(user_id: object) -> str:
    return f"accounts_auth_user_{user_id}"


def user_namespace(user_id: object) -> Namespace:
    return Namespace(f"accounts_auth_user_{user_id}_version")
