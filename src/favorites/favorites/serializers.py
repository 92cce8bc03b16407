from rest_framework import serializers

from catalog.serializers import MovieListSerializer
from core.api.integers import StrictIntegerField
from core.api.serializers import BuiltOnceModelSerializer
from favorites.models import FavoriteMovie


class FavoriteMovieSerializer(BuiltOnceModelSerializer):
    movie = MovieListSerializer(read_only=True)
    added_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)

    class Meta:
        model = FavoriteMovie
        fields = ["id", "movie", "added_at"]
        read_only_fields = fields


class FavoriteMovieCreateSerializer(serializers.Serializer):
    # Unbounded: an id no movie can have is answered like any unknown movie (the spec's body).
    movie_id = StrictIntegerField(help_text="The id of a movie in the catalog.")
