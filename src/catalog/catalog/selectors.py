"""Reads of the catalog. Other apps use these (never the models' managers directly)."""

import datetime
from collections.abc import Iterable

from django.db.models import F, Max, QuerySet

from catalog.items import LIST_ITEM_FIELDS
from catalog.models import Genre, Movie, SyncState


def movie_list() -> QuerySet[Movie]:
    """Movies with only the columns a list item shows; filtering and ordering come after."""
    return Movie.objects.public().only(*LIST_ITEM_FIELDS)


def movie_detail(*, movie_id: int) -> Movie:
    """One movie with its genres; raises ``Movie.DoesNotExist``."""
    return Movie.objects.public().prefetch_related("genres").get(pk=movie_id)


def movie_for_list(*, movie_id: int) -> Movie | None:
    """One movie with only the columns a list item shows; None if there is no such movie."""
    return movie_list().filter(pk=movie_id).first()


def movie_exists(*, movie_id: int) -> bool:
    return Movie.objects.public().filter(pk=movie_id).exists()


def existing_movie_ids(*, movie_ids: Iterable[int], chunk: int = 5000) -> set[int]:
    """Those of these ids that are movies the public API shows (a query per ``chunk`` ids)."""
    wanted = sorted(set(movie_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), chunk):
        rows = Movie.objects.public().filter(pk__in=wanted[start : start + chunk])
        found.update(rows.values_list("pk", flat=True))
    return found


def movie_identities(
    *, movie_ids: Iterable[int], chunk: int = 5000
) -> dict[int, tuple[int, str, int | None]]:
    """``{movie id: (TMDB id, title, release year)}`` of these movies (for a user's own data:
    adult titles included), a query per ``chunk`` ids."""
    wanted = sorted(set(movie_ids))
    found: dict[int, tuple[int, str, int | None]] = {}
    for start in range(0, len(wanted), chunk):
        rows = Movie.objects.filter(pk__in=wanted[start : start + chunk])
        for pk, tmdb_id, title, year in rows.values_list("pk", "tmdb_id", "title", "release_year"):
            found[pk] = (tmdb_id, title, year)
    return found


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


def movie_overviews() -> dict[int, str]:
    """{movie id: overview} for the movies that have one (for content similarity)."""
    rows = Movie.objects.exclude(overview="").values_list("id", "overview")
    return dict(rows.iterator(chunk_size=20_000))


def movie_ids_by_tmdb_id() -> dict[int, int]:
    """{TMDB id: movie id} for every stored movie."""
    return dict(Movie.objects.values_list("tmdb_id", "id").iterator(chunk_size=20_000))


def movie_ids_by_popularity(*, limit: int) -> list[int]:
    """The most popular movies on TMDB, best first; only those TMDB gave a popularity (the
    demo's movies without TMDB metadata have none, and are not "popular on TMDB")."""
    known = Movie.objects.public().filter(popularity__isnull=False)
    order = known.order_by(F("popularity").desc(), "id")
    return list(order.values_list("id", flat=True)[:limit])


def last_sync_at() -> datetime.datetime | None:
    """When a TMDB sync last completed (``METRICS_LAST_SUCCESS``); None if none ever did."""
    completed = SyncState.objects.exclude(name=SyncState.FIRST_IMPORT_UNFINISHED)
    latest: datetime.datetime | None = completed.aggregate(latest=Max("last_run_at"))["latest"]
    return latest
