from catalog.serializers import MovieListSerializer
from core.api.user_lists import MovieIdSerializer, UserMovieSerializer
from favorites.models import FavoriteMovie


class FavoriteMovieSerializer(UserMovieSerializer):
    movie = MovieListSerializer(read_only=True)

    class Meta(UserMovieSerializer.Meta):
        model = FavoriteMovie


class FavoriteMovieCreateSerializer(MovieIdSerializer):
    pass
