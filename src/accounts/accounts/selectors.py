from django.utils.module_loading import import_string

from accounts.conf import accounts_settings
from accounts.models import User


def user_favorite_movie_ids(*, user: User) -> list[int]:
    """The user's favorite movie ids, from the app wired in ``ACCOUNTS['FAVORITE_MOVIE_IDS']``."""
    path = accounts_settings.FAVORITE_MOVIE_IDS
    if not path:
        return []
    return list(import_string(path)(user=user))
