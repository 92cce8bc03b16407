from typing import cast

from catalog.selectors import movie_exists, movie_for_list
from core.user_lists import ListMessages, UserMovieList
from watchlist.conf import watchlist_settings
from watchlist.models import WatchlistItem

ALREADY_ON_WATCHLIST = "This movie is already on your watchlist."

# The writes: watchlist_add and watchlist_remove are WATCHLIST.add and WATCHLIST.remove.
WATCHLIST = UserMovieList(
    WatchlistItem,
    ListMessages(
        already=ALREADY_ON_WATCHLIST,
        too_many="You cannot keep more than {limit} movies on your watchlist.",
    ),
    limit=lambda: cast(int, watchlist_settings.MAX_PER_USER),
    find_movie=movie_for_list,
    movie_exists=movie_exists,
)
