from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Genre, Movie
from core.api.serializers import BuiltOnceModelSerializer
from tmdb.images import backdrop_url, poster_url


class GenreSerializer(BuiltOnceModelSerializer):
    class Meta:
        model = Genre
        fields = ["id", "name"]


class MovieListSerializer(BuiltOnceModelSerializer):
    """A movie as it appears in lists (the catalog, favorites, recommendations)."""

    description = serializers.CharField(source="overview", help_text="TMDB's overview.")
    poster_path = serializers.SerializerMethodField(help_text="Full image URL, or null.")

    class Meta:
        model = Movie
        fields = ["id", "title", "release_date", "description", "poster_path"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_poster_path(self, movie: Movie) -> str | None:
        return poster_url(movie.poster_path)


class MovieDetailSerializer(MovieListSerializer):
    genres = GenreSerializer(many=True, read_only=True)
    backdrop_path = serializers.SerializerMethodField(help_text="Full image URL, or null.")

    class Meta:
        model = Movie
        fields = [
            *MovieListSerializer.Meta.fields,
            "genres",
            "runtime",
            "vote_average",
            "vote_count",
            "overview",
            "backdrop_path",
            "tmdb_id",
            "release_year",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_backdrop_path(self, movie: Movie) -> str | None:
        return backdrop_url(movie.backdrop_path)
