"""Cache invalidation for favorites lists, on every path that changes what a page shows:
favorites added or removed (API, admin, QuerySet.delete, cascades from a deleted user or movie)
and catalog changes to a movie someone keeps. Runs once the transaction has committed."""

from catalog.signals import movies_changed
from core.user_lists import connect_invalidation
from favorites.cache import FAVORITE_LISTS
from favorites.models import FavoriteMovie
from favorites.selectors import favorite_user_ids_for_movies

connect_invalidation(
    FavoriteMovie,
    FAVORITE_LISTS,
    movies_changed=movies_changed,
    user_ids_for_movies=favorite_user_ids_for_movies,
    uid="favorites.favorite",
)
