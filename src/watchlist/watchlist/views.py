from catalog.items import LIST_ITEM_EXAMPLE
from core.api.user_lists import UserMovieListViewSet, user_list_schema
from watchlist import selectors, services
from watchlist.cache import WATCHLISTS
from watchlist.models import WatchlistItem
from watchlist.schema import TEXTS
from watchlist.serializers import WatchlistAddSerializer, WatchlistItemSerializer


@user_list_schema(
    tag="watchlist",
    texts=TEXTS,
    serializer=WatchlistItemSerializer,
    request=WatchlistAddSerializer,
    movie_example=LIST_ITEM_EXAMPLE,
)
class WatchlistViewSet(UserMovieListViewSet):
    """The movies the authenticated user means to watch. Cached per user and page."""

    serializer_class = WatchlistItemSerializer
    create_serializer_class = WatchlistAddSerializer
    queryset = WatchlistItem.objects.none()  # for the schema; get_queryset does the reading
    list_cache = WATCHLISTS
    write_scope = "watchlist_write"

    def get_queryset(self):
        return selectors.watchlist_list(user_id=self.user_id)

    def add_movie(self, *, user, movie_id: int) -> WatchlistItem:
        return services.watchlist_add(user=user, movie_id=movie_id)

    def remove_row(self, *, user, row_id: int) -> None:
        services.watchlist_remove(user=user, item_id=row_id)
