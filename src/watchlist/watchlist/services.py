from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from catalog.selectors import existing_movie_ids, movie_exists, movie_for_list
from core.user_lists import Imported, ListMessages, UserMovieList
from watchlist.cache import WATCHLISTS
from watchlist.conf import watchlist_settings
from watchlist.models import WatchlistItem

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

ALREADY_ON_WATCHLIST = "This movie is already on your watchlist."

WATCHLIST = UserMovieList(
    WatchlistItem,
    ListMessages(
        already=ALREADY_ON_WATCHLIST,
        too_many="You cannot keep more than {limit} movies on your watchlist.",
    ),
    limit=lambda: cast(int, watchlist_settings.MAX_PER_USER),
    find_movie=movie_for_list,
    movie_exists=movie_exists,
    existing_movie_ids=existing_movie_ids,
    cache=WATCHLISTS,
)


def watchlist_add(*, user: "_User", movie_id: int) -> WatchlistItem:
    """Add a movie to the user's watchlist (``UserMovieList.add``: its errors)."""
    return WATCHLIST.add(user=user, movie_id=movie_id)


def watchlist_remove(*, user: "_User", item_id: int) -> None:
    """Remove one of the user's watchlist items; ``WatchlistItem.DoesNotExist`` if it is not
    theirs."""
    WATCHLIST.remove(user=user, row_id=item_id)


def watchlist_import(*, user: "_User", movie_ids: Iterable[int]) -> Imported:
    """Add these movies to the user's watchlist at once (an import: ``UserMovieList.add_many``);
    a movie already there adds nothing, so importing a file twice adds nothing."""
    return WATCHLIST.add_many(user=user, movie_ids=movie_ids)
