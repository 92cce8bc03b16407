import copy
from typing import Any

from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.conf import catalog_settings
from catalog.models import Genre, Movie
from core.api.serializers import BuiltOnceModelSerializer
from core.conf import installed_paths
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


def detail_extras() -> list[type[serializers.Serializer]]:
    """The serializers ``CATALOG['DETAIL_EXTRAS']`` names (of installed apps), each adding
    fields to the detail."""
    return [import_string(path) for path in installed_paths(catalog_settings.DETAIL_EXTRAS)]


def movie_detail_data(movie: Movie) -> dict[str, Any]:
    """The movie's detail: its own fields, then those of each extra."""
    data = dict(MovieDetailSerializer(movie).data)
    for extra in detail_extras():
        data.update(extra(movie).data)
    return data


def detail_extras_example() -> dict[str, Any]:
    """The extras' part of the detail's example: each extra's ``example`` attribute."""
    return {k: v for extra in detail_extras() for k, v in getattr(extra, "example", {}).items()}


def movie_detail_schema() -> type[MovieDetailSerializer]:
    """The detail as the schema shows it: ``MovieDetailSerializer`` with the extras' fields."""
    extras = {
        name: copy.deepcopy(field)
        for extra in detail_extras()
        for name, field in extra._declared_fields.items()
    }
    if not extras:
        return MovieDetailSerializer
    meta = type(
        "Meta",
        (MovieDetailSerializer.Meta,),
        {"fields": [*MovieDetailSerializer.Meta.fields, *extras]},
    )
    attrs = {
        **extras,
        "Meta": meta,
        "__module__": __name__,
        "__doc__": MovieDetailSerializer.__doc__,
    }
    return type("MovieDetailSerializer", (MovieDetailSerializer,), attrs)
