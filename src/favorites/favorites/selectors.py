import datetime
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from catalog.items import list_item_fields
from core.user_lists import export_rows, newest_with_movies, row_ids_by_movie, user_ids_for_movies
from favorites.models import FavoriteMovie

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


def favorite_list(*, user_id: int) -> QuerySet[FavoriteMovie]:
    """A user's favorites, newest first, each with the movie fields a list item shows."""
    mine = FavoriteMovie.objects.filter(user_id=user_id)
    return newest_with_movies(mine, at="added_at", movie_fields=list_item_fields("movie"))


def favorite_movie_ids(*, user: "_User") -> list[int]:
    """The user's favorite movie ids, newest first (the ``ACCOUNTS`` extension point)."""
    return list(
        FavoriteMovie.objects.filter(user=user)
        .order_by("-added_at", "-id")
        .values_list("movie_id", flat=True)
    )


def favorite_states(*, user: "_User", movie_ids: list[int]) -> dict[int, dict[str, int]]:
    """The user's favorites among these movies, by movie (``ACCOUNTS['ACCOUNT_STATES']``)."""
    return row_ids_by_movie(FavoriteMovie.objects.filter(user=user), movie_ids=movie_ids)


def favorites_export(*, user: "_User") -> dict[str, list[dict[str, object]]]:
    """What favorites stores about the user, oldest first (the ``ACCOUNTS['EXPORTERS']``
    extension point): each movie's id and title, and when it was added."""
    mine = FavoriteMovie.objects.filter(user=user)
    return {"favorite_movies": export_rows(mine, at="added_at")}


def favorite_user_ids_for_movies(*, movie_ids: Iterable[int]) -> set[int]:
    """Users having any of these movies among their favorites."""
    return user_ids_for_movies(FavoriteMovie.objects.all(), movie_ids=movie_ids)


def favorite_pairs() -> Iterator[tuple[int, int]]:
    """Every (user id, movie id) favorite, streamed."""
    pairs = FavoriteMovie.objects.order_by().values_list("user_id", "movie_id")  # no sort needed
    return pairs.iterator(chunk_size=50_000)


def most_favorited_movie_ids(*, since: datetime.datetime, limit: int) -> list[int]:
    """Movies favorited most often since ``since``, most first."""
    recent = FavoriteMovie.objects.filter(added_at__gte=since).values("movie_id")
    ranked = recent.annotate(fans=Count("id")).order_by("-fans", "movie_id")
    return list(ranked.values_list("movie_id", flat=True)[:limit])
