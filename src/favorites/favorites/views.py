from catalog.items import LIST_ITEM_EXAMPLE
from core.api.user_lists import UserMovieListViewSet, user_list_schema
from favorites import selectors, services
from favorites.cache import FAVORITE_LISTS
from favorites.models import FavoriteMovie
from favorites.schema import TEXTS
from favorites.serializers import FavoriteMovieCreateSerializer, FavoriteMovieSerializer


@user_list_schema(
    tag="favorites",
    texts=TEXTS,
    serializer=FavoriteMovieSerializer,
    request=FavoriteMovieCreateSerializer,
    movie_example=LIST_ITEM_EXAMPLE,
)
class FavoriteMovieViewSet(UserMovieListViewSet):
    """The authenticated user's favorite movies. The list is cached per user and page."""

    serializer_class = FavoriteMovieSerializer
    create_serializer_class = FavoriteMovieCreateSerializer
    queryset = FavoriteMovie.objects.none()  # for the schema; get_queryset does the reading
    list_cache = FAVORITE_LISTS
    write_scope = "favorites_write"

    def get_queryset(self):
        return selectors.favorite_list(user_id=self.user_id)

    def add_movie(self, *, user, movie_id: int) -> FavoriteMovie:
        return services.favorite_add(user=user, movie_id=movie_id)

    def remove_row(self, *, user, row_id: int) -> None:
        services.favorite_remove(user=user, favorite_id=row_id)
