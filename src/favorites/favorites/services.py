from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from catalog.selectors import existing_movie_ids, movie_exists, movie_for_list
from core.user_lists import Imported, ListMessages, UserMovieList
from favorites.cache import FAVORITE_LISTS
from favorites.conf import favorites_settings
from favorites.models import FavoriteMovie

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

ALREADY_FAVORITE = "This movie is already in your favorites."
FAVORITES = UserMovieList(
    FavoriteMovie,
    ListMessages(already=ALREADY_FAVORITE, too_many="You cannot keep more than {limit} favorites."),
    limit=lambda: cast(int, favorites_settings.MAX_PER_USER),
    find_movie=movie_for_list,
    movie_exists=movie_exists,
    existing_movie_ids=existing_movie_ids,
    cache=FAVORITE_LISTS,
)


def favorite_add(*, user: "_User", movie_id: int) -> FavoriteMovie:
    """Add a movie to the user's favorites (``UserMovieList.add``: its errors)."""
    return FAVORITES.add(user=user, movie_id=movie_id)


def favorite_remove(*, user: "_User", favorite_id: int) -> None:
    """Remove one of the user's favorites; ``FavoriteMovie.DoesNotExist`` if it is not theirs."""
    FAVORITES.remove(user=user, row_id=favorite_id)


def favorites_import(*, user: "_User", movie_ids: Iterable[int]) -> Imported:
    """Add these movies to the user's favorites at once (an import: ``UserMovieList.add_many``);
    a movie already there adds nothing, so importing a file twice adds nothing."""
    return FAVORITES.add_many(user=user, movie_ids=movie_ids)
