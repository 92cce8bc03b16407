from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Avg, Count, QuerySet

from catalog.items import list_item_fields
from core.user_lists import export_rows, newest_with_movies, user_ids_for_movies
from ratings.conf import ratings_settings
from ratings.models import Rating

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


def rating_list(*, user_id: int) -> QuerySet[Rating]:
    """A user's ratings, latest first, each with the movie fields a list item shows."""
    mine = Rating.objects.filter(user_id=user_id)
    return newest_with_movies(
        mine, at="rated_at", fields=["value"], movie_fields=list_item_fields("movie")
    )


def rating_summary(*, movie_id: int) -> dict[str, Any]:
    """The site's average rating of a movie (None before the first) and how many rated it:
    one indexed aggregate."""
    found = Rating.objects.filter(movie_id=movie_id).aggregate(
        average=Avg("value"), count=Count("pk")
    )
    average = found["average"]
    return {
        "rating_average": None if average is None else round(float(average), 2),
        "rating_count": found["count"],
    }


def rating_user_ids_for_movies(*, movie_ids: Iterable[int]) -> set[int]:
    """Users who rated any of these movies."""
    return user_ids_for_movies(Rating.objects.all(), movie_ids=movie_ids)


def rating_states(*, user: "_User", movie_ids: list[int]) -> dict[int, float]:
    """``{movie id: the user's rating}`` for those of these movies the user rated (the
    ``ACCOUNTS['ACCOUNT_STATES']`` extension point): one query."""
    rows = Rating.objects.filter(user=user, movie_id__in=movie_ids).order_by()
    return {movie_id: float(value) for movie_id, value in rows.values_list("movie_id", "value")}


def rating_values(*, user: "_User") -> dict[int, float]:
    """``{movie id: the user's rating}`` of every movie the user rated
    (``HISTORY['RATINGS']``, for the Letterboxd export): one query."""
    rows = Rating.objects.filter(user=user).order_by()
    return {movie_id: float(value) for movie_id, value in rows.values_list("movie_id", "value")}


def signal_weight(value: Decimal) -> float:
    """A rating as a recommendation signal: 1 (liked), -1 (disliked) or 0 (seen, no more)."""
    if value >= Decimal(str(ratings_settings.LIKED_AT)):
        return 1.0
    if value <= Decimal(str(ratings_settings.DISLIKED_AT)):
        return -1.0
    return 0.0


def rating_signals() -> Iterator[tuple[int, int, float]]:
    """Every rating as (user id, movie id, weight), streamed
    (``RECOMMENDATIONS['BUILD_SIGNALS']``)."""
    rows = Rating.objects.order_by().values_list("user_id", "movie_id", "value")
    for user_id, movie_id, value in rows.iterator(chunk_size=50_000):
        yield user_id, movie_id, signal_weight(value)


def user_rating_signals(*, user_id: int) -> list[tuple[int, float]]:
    """The user's rated movies as (movie id, weight), latest first
    (``RECOMMENDATIONS['USER_SIGNALS']``)."""
    rows = Rating.objects.filter(user_id=user_id).order_by("-rated_at", "-id")
    pairs = cast(Iterable[tuple[int, Decimal]], rows.values_list("movie_id", "value"))
    return [(movie_id, signal_weight(value)) for movie_id, value in pairs]


def ratings_export(*, user: "_User") -> dict[str, list[dict[str, object]]]:
    """The user's ratings, oldest first (``ACCOUNTS['EXPORTERS']``)."""
    mine = Rating.objects.filter(user=user)
    return {"ratings": export_rows(mine, fields=["value"], at="rated_at")}
