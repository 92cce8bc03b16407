"""The movie list item, the one projection of the catalog that other apps show: the columns it
reads and the items themselves, as ``MovieListSerializer`` renders them."""

from collections.abc import Iterable
from typing import Any

from catalog.models import Movie
from tmdb.images import poster_url

LIST_ITEM_FIELDS = ("id", "title", "release_date", "overview", "poster_path")
# A list item, for the examples of every schema that shows one.
LIST_ITEM_EXAMPLE = {
    "id": 1,
    "title": "Toy Story",
    "release_date": "1995-10-30",
    "description": "Led by Woody, Andy's toys live happily in his room until...",
    "poster_path": "https://image.tmdb.org/t/p/w500/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
}


def list_item_fields(relation: str) -> list[str]:
    """The columns a list item reads, through ``relation`` (a foreign key to a movie):
    for ``only()`` on another app's queryset that joins the movie."""
    return [f"{relation}__{name}" for name in LIST_ITEM_FIELDS]


def movie_list_items(*, movie_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The list items of these movies, by id (missing ids: deleted or adult movies): one
    query, of projections (``list_item``)."""
    rows = Movie.objects.public().filter(pk__in=list(movie_ids)).values(*LIST_ITEM_FIELDS)
    return {row["id"]: list_item(row) for row in rows}


def list_item(row: dict[str, Any]) -> dict[str, Any]:
    """The list item of a ``values(*LIST_ITEM_FIELDS)`` row, as ``MovieListSerializer``
    renders the movie, without a model instance or the serializer's per-field machinery
    (a list page's largest CPU cost on a miss)."""
    released = row["release_date"]
    return {
        "id": row["id"],
        "title": row["title"],
        "release_date": None if released is None else released.isoformat(),
        "description": row["overview"],
        "poster_path": poster_url(row["poster_path"]),
    }
