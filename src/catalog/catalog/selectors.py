"""Reads of the catalog. Other apps use these (never the models' managers directly)."""

from collections.abc import Iterable

from django.db.models import F, QuerySet

from catalog.models import Genre, Movie
from catalog.querysets import MovieQuerySet

LIST_FIELDS = ("id", "title", "release_date", "overview", "poster_path")


def movie_list() -> MovieQuerySet:
    """Movies with only the columns a list item shows; filtering and ordering come after."""
    return Movie.objects.only(*LIST_FIELDS)


def movie_detail(*, movie_id: int) -> Movie:
    """One movie with its genres; raises ``Movie.DoesNotExist``."""
    return Movie.objects.prefetch_related("genres").get(pk=movie_id)


def movies_by_ids(*, movie_ids: Iterable[int]) -> QuerySet[Movie]:
    return Movie.objects.only(*LIST_FIELDS).filter(pk__in=list(movie_ids))


def movie_exists(*, movie_id: int) -> bool:
    return Movie.objects.filter(pk=movie_id).exists()


def genre_list() -> QuerySet[Genre]:
    return Genre.objects.order_by("name")


def movie_content_features() -> tuple[list[int], dict[int, int | None], dict[int, list[int]]]:
    """Every movie id, with its release year and genre ids (for content similarity)."""
    years = dict(Movie.objects.values_list("id", "release_year").iterator(chunk_size=20_000))
    genres: dict[int, list[int]] = {}
    links = Movie.genres.through.objects.values_list("movie_id", "genre_id")
    for movie_id, genre_id in links.iterator(chunk_size=20_000):
        genres.setdefault(movie_id, []).append(genre_id)
    return list(years), years, genres


def movie_ids_by_popularity(*, limit: int) -> list[int]:
    """The most popular movies on TMDB, best first."""
    order = Movie.objects.order_by(F("popularity").desc(nulls_last=True), "id")
    return list(order.values_list("id", flat=True)[:limit])
