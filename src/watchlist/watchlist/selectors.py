from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from catalog.items import list_item_fields
from core.user_lists import export_rows, newest_with_movies, row_ids_by_movie, user_ids_for_movies
from watchlist.models import WatchlistItem

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


def watchlist_list(*, user_id: int) -> QuerySet[WatchlistItem]:
    """A user's watchlist, newest first, each with the movie fields a list item shows."""
    mine = WatchlistItem.objects.filter(user_id=user_id)
    return newest_with_movies(mine, at="added_at", movie_fields=list_item_fields("movie"))


def watchlist_user_ids_for_movies(*, movie_ids: Iterable[int]) -> set[int]:
    """Users having any of these movies on their watchlist."""
    return user_ids_for_movies(WatchlistItem.objects.all(), movie_ids=movie_ids)


def watchlist_states(*, user: "_User", movie_ids: list[int]) -> dict[int, dict[str, int]]:
    """The user's watchlist among these movies, by movie (``ACCOUNTS['ACCOUNT_STATES']``)."""
    return row_ids_by_movie(WatchlistItem.objects.filter(user=user), movie_ids=movie_ids)


def watchlist_signals(*, user_id: int) -> list[tuple[int, float]]:
    """The user's watchlisted movies, each weighing 0 (``RECOMMENDATIONS['USER_SIGNALS']``):
    known to the user, so never recommended, but no sign of taste."""
    rows = WatchlistItem.objects.filter(user_id=user_id).order_by()
    return [(movie_id, 0.0) for movie_id in rows.values_list("movie_id", flat=True)]


def watchlist_export(*, user: "_User") -> dict[str, list[dict[str, object]]]:
    """The user's watchlist, oldest first (``ACCOUNTS['EXPORTERS']``)."""
    mine = WatchlistItem.objects.filter(user=user)
    return {"watchlist": export_rows(mine, at="added_at")}
