"""Reads of the catalog. Other apps use these (never the models' managers directly)."""

from collections.abc import Iterable

from django.db.models import QuerySet

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
