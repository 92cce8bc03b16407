from catalog.serializers import MovieListSerializer
from core.api.user_lists import MovieIdSerializer, UserMovieSerializer
from watchlist.models import WatchlistItem


class WatchlistItemSerializer(UserMovieSerializer):
    movie = MovieListSerializer(read_only=True)

    class Meta(UserMovieSerializer.Meta):
        model = WatchlistItem


class WatchlistAddSerializer(MovieIdSerializer):
    pass
