from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, F, Max, QuerySet

from catalog.items import list_item_fields
from core.user_lists import export_rows, user_ids_for_movies
from history.conf import history_settings
from history.models import Play

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


def play_list(*, user_id: int) -> QuerySet[Play]:
    """A user's plays, newest first (by day, undated ones last; the latest entered first within
    a day), each with the movie fields a list item shows."""
    columns = ["id", "user_id", "watched_on", "rewatch", "note", "source", "created_at"]
    return (
        Play.objects.filter(user_id=user_id)
        .select_related("movie")
        .only(*columns, *list_item_fields("movie"))
        .order_by(F("watched_on").desc(nulls_last=True), "-id")
    )


def play_user_ids_for_movies(*, movie_ids: Iterable[int]) -> set[int]:
    """Users who played any of these movies."""
    return user_ids_for_movies(Play.objects.all(), movie_ids=movie_ids)


def watched_states(*, user: "_User", movie_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{movie id: {"plays": count, "last_watched_on": the latest day or None}}`` for those of
    these movies the user played (``ACCOUNTS['ACCOUNT_STATES']``): one query."""
    rows = (
        Play.objects.filter(user=user, movie_id__in=movie_ids)
        .order_by()
        .values("movie_id")
        .annotate(plays=Count("pk"), last=Max("watched_on"))
    )
    return {
        row["movie_id"]: {
            "plays": row["plays"],
            "last_watched_on": row["last"].isoformat() if row["last"] else None,
        }
        for row in rows
    }


def history_export(*, user: "_User") -> dict[str, list[dict[str, object]]]:
    """The user's plays, oldest entered first (``ACCOUNTS['EXPORTERS']``)."""
    mine = Play.objects.filter(user=user)
    fields = ["watched_on", "rewatch", "note", "source"]
    return {"plays": export_rows(mine, fields=fields, at="created_at")}


def _signal_weight() -> float:
    return float(cast(float, history_settings.SIGNAL_WEIGHT))


def play_signals() -> Iterator[tuple[int, int, float]]:
    """Every watched movie as (user id, movie id, ``HISTORY['SIGNAL_WEIGHT']``), once per user
    and movie, streamed (``RECOMMENDATIONS['BUILD_SIGNALS']``)."""
    weight = _signal_weight()
    rows = Play.objects.order_by().values_list("user_id", "movie_id").distinct()
    for user_id, movie_id in rows.iterator(chunk_size=50_000):
        yield user_id, movie_id, weight


def user_play_signals(*, user_id: int) -> list[tuple[int, float]]:
    """The user's watched movies as (movie id, ``HISTORY['SIGNAL_WEIGHT']``), latest watched
    first (``RECOMMENDATIONS['USER_SIGNALS']``): never recommended again, and a weak seed."""
    weight = _signal_weight()
    latest = (
        Play.objects.filter(user_id=user_id)
        .order_by()
        .values("movie_id")
        .annotate(last=Max("watched_on"), entered=Max("id"))
        .order_by(F("last").desc(nulls_last=True), "-entered")
    )
    return [(row["movie_id"], weight) for row in latest]
