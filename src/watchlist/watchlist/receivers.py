"""Cache invalidation for watchlist pages: items added or removed on any path (API, admin,
QuerySet.delete, cascades) and catalog changes to a movie someone keeps; after commit."""

from catalog.signals import movies_changed
from core.user_lists import connect_invalidation
from watchlist.cache import WATCHLISTS
from watchlist.models import WatchlistItem
from watchlist.selectors import watchlist_user_ids_for_movies

connect_invalidation(
    WatchlistItem,
    WATCHLISTS,
    movies_changed=movies_changed,
    user_ids_for_movies=watchlist_user_ids_for_movies,
    uid="watchlist.item",
)
