from accounts.conf import accounts_settings
from accounts.models import User


def user_favorite_movie_ids(*, user: User) -> list[int]:
    """The user's favorite movie ids, from the app wired in ``ACCOUNTS['FAVORITE_MOVIE_IDS']``."""
    provider = accounts_settings.FAVORITE_MOVIE_IDS
    return list(provider(user=user)) if provider else []
