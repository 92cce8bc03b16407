"""Writes to the catalog: TMDB syncs, the demo catalog, and details fetched for a visitor.

Each page of a sync is upserted in its own transaction (keyed on ``tmdb_id``), so a failure
midway leaves every finished page whole and a rerun converges. Receivers learn of changes
through ``catalog.signals.movies_changed``."""

import csv
import datetime
import functools
import gzip
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pybreaker
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from catalog.cache import details_failed_key
from catalog.conf import DEFAULTS, catalog_settings
from catalog.models import Genre, Movie, SyncState
from catalog.selectors import movie_detail
from catalog.signals import movies_changed
from core import jobs
from tmdb.client import TMDBClient
from tmdb.conf import is_configured
from tmdb.exceptions import TMDBCapReached, TMDBError, TMDBNotFound
from tmdb.types import Genre as TMDBGenre
from tmdb.types import MovieDetails, MovieSummary, Page

logger = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
SUMMARY_FIELDS = [
    "title", "overview", "release_date", "release_year", "poster_path", "backdrop_path",
    "vote_average", "vote_count", "popularity", "adult", "updated_at",
]  # fmt: skip
DETAIL_FIELDS = [*SUMMARY_FIELDS, "runtime", "imdb_id", "details_synced_at"]
CHANGES_SYNC = "tmdb-changes"
TMDB_CHANGES_MAX_DAYS = 14

LIST_SOURCES: dict[str, Callable[[TMDBClient], Callable[..., Page[MovieSummary]]]] = {
    "popular": lambda c: c.popular,
    "top_rated": lambda c: c.top_rated,
    "now_playing": lambda c: c.now_playing,
    "upcoming": lambda c: c.upcoming,
    "trending_day": lambda c: functools.partial(c.trending, "day"),
    "trending_week": lambda c: functools.partial(c.trending, "week"),
}


@dataclass
class SyncSummary:
    created: int = 0
    updated: int = 0
    pages: int = 0
    skipped: list[int] = field(default_factory=list)  # TMDB ids TMDB did not know

    def add(self, created: int, updated: int) -> None:
        self.created += created
        self.updated += updated

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.pages} page(s)"
        return f"{text}, {len(self.skipped)} skipped" if self.skipped else text


def _movie_row(item: MovieSummary, *, synced_at: datetime.datetime | None) -> Movie:
    movie = Movie(
        tmdb_id=item.id,
        title=(item.title or item.original_title or "")[:500],
        overview=item.overview or "",
        release_date=item.release_date,
        release_year=item.release_date.year if item.release_date else None,
        poster_path=item.poster_path or "",
        backdrop_path=item.backdrop_path or "",
        vote_average=item.vote_average,
        vote_count=item.vote_count,
        popularity=item.popularity,
        adult=bool(item.adult),
    )
    if isinstance(item, MovieDetails):
        movie.runtime = item.runtime or None
        movie.imdb_id = (item.imdb_id or "")[:16]
        movie.details_synced_at = synced_at
    return movie


def _genres_upsert(genres: Iterable[TMDBGenre]) -> None:
    rows = {g.id: Genre(id=g.id, name=g.name) for g in genres if g.name}
    if rows:
        Genre.objects.bulk_create(
            rows.values(), update_conflicts=True, unique_fields=["id"], update_fields=["name"]
        )


@transaction.atomic
def movies_upsert(items: Sequence[MovieSummary]) -> tuple[int, int]:
    """Insert or update movies by ``tmdb_id`` with their genres; returns (created, updated).

    Details (``MovieDetails``) also set runtime, the IMDb id and the details timestamp; a list
    item never clears details already stored.
    """
    items = list({item.id: item for item in items}.values())  # TMDB pages may repeat a movie
    if not items:
        return 0, 0
    now = timezone.now()
    tmdb_ids = [item.id for item in items]
    existing = set(Movie.objects.filter(tmdb_id__in=tmdb_ids).values_list("tmdb_id", flat=True))
    _genres_upsert(g for item in items if isinstance(item, MovieDetails) for g in item.genres)
    for kind, fields in ((MovieDetails, DETAIL_FIELDS), (MovieSummary, SUMMARY_FIELDS)):
        rows = [_movie_row(i, synced_at=now) for i in items if type(i) is kind]
        if rows:
            Movie.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["tmdb_id"], update_fields=fields
            )
    ids = dict(Movie.objects.filter(tmdb_id__in=tmdb_ids).values_list("tmdb_id", "id"))
    _movie_genres_replace(items, ids)
    changed = list(ids.values())
    transaction.on_commit(lambda: movies_changed.send(sender=Movie, movie_ids=changed))
    return len(set(tmdb_ids) - existing), len(existing)


def _movie_genres_replace(items: Sequence[MovieSummary], ids: dict[int, int]) -> None:
    through = Movie.genres.through
    known = set(Genre.objects.values_list("id", flat=True))
    movie_ids = [ids[item.id] for item in items]
    through.objects.filter(movie_id__in=movie_ids).delete()
    through.objects.bulk_create(
        [
            through(movie_id=ids[item.id], genre_id=genre_id)
            for item in items
            for genre_id in dict.fromkeys(item.genre_ids)
            if genre_id in known
        ]
    )


def genres_sync(*, client: TMDBClient) -> int:
    genres = client.genres()
    with transaction.atomic():
        _genres_upsert(genres)
    return len(genres)


def movie_list_sync(
    *,
    client: TMDBClient,
    source: str,
    pages: int,
    on_page: Callable[[Page[MovieSummary]], object] | None = None,
) -> SyncSummary:
    """Upsert the first ``pages`` pages of a TMDB list (``LIST_SOURCES``), a page at a time."""
    summary = SyncSummary()
    for page in client.iter_pages(LIST_SOURCES[source](client), max_pages=pages):
        summary.add(*movies_upsert(page.results))
        summary.pages += 1
        if on_page:
            on_page(page)
    return summary


def lists_sync(
    *,
    client: TMDBClient,
    sources: Sequence[str],
    pages: int,
    on_page: Callable[[str, Page[MovieSummary]], object] | None = None,
) -> SyncSummary:
    """TMDB's genres, then the first ``pages`` pages of each list of ``sources``."""
    genres_sync(client=client)  # list items carry genre ids only
    total = SyncSummary()
    for source in sources:
        summary = movie_list_sync(
            client=client,
            source=source,
            pages=pages,
            on_page=on_page and functools.partial(on_page, source),
        )
        total.add(summary.created, summary.updated)
        total.pages += summary.pages
    return total


def catalog_fill_if_empty() -> str | None:
    """A first catalog for an empty one: TMDB's lists (``CATALOG['FIRST_IMPORT_SOURCES']``,
    ``['FIRST_IMPORT_PAGES']`` pages each) with a TMDB key, else the demo catalog if
    ``CATALOG['LOAD_DEMO_CATALOG']``; what it did, in words, or None if it imported nothing (the
    catalog has movies, or there is no source). Raises ``tmdb`` errors. A first import from TMDB
    that failed midway (its pages so far stored) is finished by the next run, the task's retry or
    beat's next one, although the catalog is no longer empty."""
    unfinished = SyncState.objects.filter(name=SyncState.FIRST_IMPORT_UNFINISHED)
    if Movie.objects.exists() and not (is_configured() and unfinished.exists()):
        return None
    if is_configured():
        SyncState.objects.get_or_create(
            name=SyncState.FIRST_IMPORT_UNFINISHED, defaults={"last_run_at": timezone.now()}
        )
        with TMDBClient.from_settings() as client:
            summary = lists_sync(
                client=client,
                sources=catalog_settings.FIRST_IMPORT_SOURCES,
                pages=catalog_settings.FIRST_IMPORT_PAGES,
            )
        unfinished.delete()
        return f"first import from TMDB: {summary}"
    if catalog_settings.LOAD_DEMO_CATALOG:
        return f"demo catalog: {demo_catalog_load()}"
    logger.warning("The catalog is empty: set TMDB_API_KEY, or LOAD_DEMO_CATALOG=true")
    return None


def movies_sync_by_tmdb_ids(
    *,
    client: TMDBClient,
    tmdb_ids: Iterable[int],
    batch_size: int = 20,
    on_movie: Callable[[int], object] | None = None,
) -> SyncSummary:
    """Fetch and store the full details of these TMDB ids, in batches of ``batch_size``. When
    TMDB fails midway, the details fetched so far are stored before the error is raised."""
    summary = SyncSummary()
    batch: list[MovieDetails] = []
    try:
        for tmdb_id in tmdb_ids:
            try:
                batch.append(client.movie(tmdb_id))
            except TMDBNotFound:
                summary.skipped.append(tmdb_id)
                Movie.objects.filter(tmdb_id=tmdb_id).update(tmdb_missing_at=timezone.now())
            if on_movie:
                on_movie(tmdb_id)
            if len(batch) >= batch_size:
                summary.add(*movies_upsert(batch))
                summary.pages += 1
                batch = []
    except TMDBError:
        if batch:
            movies_upsert(batch)
        raise
    if batch:
        summary.add(*movies_upsert(batch))
        summary.pages += 1
    return summary


def movies_add(
    *, items: Sequence[MovieSummary], imdb_ids: Mapping[int, str] | None = None
) -> dict[int, int]:
    """Add (or refresh) movies TMDB answered, a search's or ``/find``'s results, storing the
    IMDb ids ``imdb_ids`` ({TMDB id: IMDb id}, what ``/find`` was asked) on those that have
    none; each TMDB id's Movie pk."""
    with transaction.atomic():
        movies_upsert(items)
        for tmdb_id, imdb_id in (imdb_ids or {}).items():
            Movie.objects.filter(tmdb_id=tmdb_id, imdb_id="").update(imdb_id=imdb_id[:16])
    tmdb_ids = [item.id for item in items]
    return dict(Movie.objects.filter(tmdb_id__in=tmdb_ids).values_list("tmdb_id", "id"))


def movie_tmdb_ids_missing_details(*, limit: int | None = None) -> list[int]:
    ids = Movie.objects.filter(details_synced_at__isnull=True, tmdb_missing_at__isnull=True)
    ids = ids.order_by("id")
    return list(ids.values_list("tmdb_id", flat=True)[:limit])


def movie_changes_sync(
    *,
    client: TMDBClient,
    now: datetime.datetime | None = None,
    on_movie: Callable[[int], object] | None = None,
) -> SyncSummary:
    """Refresh the stored movies that TMDB's changes feed lists since the last completed run
    (at most 14 days back, TMDB's limit). The run is recorded only once it has finished, so an
    interrupted run is simply repeated."""
    now = now or timezone.now()
    state = SyncState.objects.filter(name=CHANGES_SYNC).first()
    oldest = now - datetime.timedelta(days=TMDB_CHANGES_MAX_DAYS)
    since = max(state.last_run_at, oldest) if state else now - datetime.timedelta(days=1)
    changed: set[int] = set()
    fetch = functools.partial(client.changes, since.date(), now.date())
    for page in client.iter_pages(fetch):
        changed.update(item.id for item in page.results)
    stored = Movie.objects.filter(tmdb_id__in=changed).order_by("tmdb_id")
    summary = movies_sync_by_tmdb_ids(
        client=client, tmdb_ids=list(stored.values_list("tmdb_id", flat=True)), on_movie=on_movie
    )
    SyncState.objects.update_or_create(name=CHANGES_SYNC, defaults={"last_run_at": now})
    return summary


@dataclass(frozen=True)
class MovieDetail:
    movie: Movie
    cache_timeout: int  # seconds the movie may be served as it is


class _LogBreaker(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        if old_state.name != new_state.name:
            logger.warning(
                "TMDB for movie details: circuit %s -> %s", old_state.name, new_state.name
            )


# TMDB as a visitor's request sees it, for the whole process: after a failure (a timeout, an
# error, garbage) no request waits on TMDB until ``CATALOG['DETAILS_BREAKER_SECONDS']`` have
# passed; then one request tries, and closes it if TMDB answers. An unknown movie is an answer.
DETAILS_BREAKER = pybreaker.CircuitBreaker(
    fail_max=1,
    reset_timeout=float(cast(int, DEFAULTS["DETAILS_BREAKER_SECONDS"])),
    exclude=[TMDBNotFound, TMDBCapReached],
    listeners=[_LogBreaker()],
    name="tmdb-details",
)


def movie_detail_load(*, movie_id: int) -> MovieDetail:
    """One movie with its genres, for a visitor. Details it lacks are asked of TMDB once, within
    ``CATALOG['DETAILS_TIMEOUT']`` seconds and without waiting for the rate cap, unless TMDB
    failed lately (``DETAILS_BREAKER``). If TMDB cannot give them now, what is stored is served
    (the spec's nullable fields), a task fetches them (``tasks.movie_details_fetch``: the worker
    tries again with backoff), and the movie is not asked for again before
    ``CATALOG['DETAILS_RETRY_AFTER']`` seconds, which is also how long the incomplete movie may
    be cached. Raises ``Movie.DoesNotExist``."""
    movie = movie_detail(movie_id=movie_id)
    if movie.details_synced_at or movie.tmdb_missing_at or not is_configured():
        return MovieDetail(movie, catalog_settings.CACHE_TIMEOUT)
    failed_key = details_failed_key(movie.pk)
    if cache.get(failed_key):
        return MovieDetail(movie, catalog_settings.DETAILS_RETRY_AFTER)
    DETAILS_BREAKER.reset_timeout = catalog_settings.DETAILS_BREAKER_SECONDS
    try:
        movie = DETAILS_BREAKER.call(_details_within_budget, movie)
        return MovieDetail(movie, catalog_settings.CACHE_TIMEOUT)
    except TMDBNotFound:  # recorded: complete from the next read
        pass
    except (TMDBError, pybreaker.CircuitBreakerError) as exc:
        logger.warning("TMDB details for movie %s unavailable now: %s", movie.pk, exc)
        from catalog.tasks import movie_details_fetch  # tasks call these services

        jobs.delay_on_commit(movie_details_fetch, movie.pk)
    cache.set(failed_key, True, timeout=catalog_settings.DETAILS_RETRY_AFTER)
    return MovieDetail(movie, catalog_settings.DETAILS_RETRY_AFTER)


def _details_within_budget(movie: Movie) -> Movie:
    budget = float(catalog_settings.DETAILS_TIMEOUT)
    options = {"max_retries": 0, "timeout": (budget / 2, budget / 2), "wait_for_rate_cap": False}
    with TMDBClient.from_settings(**options) as client:
        return movie_details_refresh(movie=movie, client=client)


def movie_details_refresh(*, movie: Movie, client: TMDBClient) -> Movie:
    """Fetch one movie's details from TMDB and store them; raises ``tmdb`` errors (after
    recording a ``TMDBNotFound``, so the id is not asked for again)."""
    try:
        details = client.movie(movie.tmdb_id)
    except TMDBNotFound:
        Movie.objects.filter(pk=movie.pk).update(tmdb_missing_at=timezone.now())
        raise
    movies_upsert([details])
    return movie_detail(movie_id=movie.pk)


DEMO_FIELDS = [
    "imdb_id", "title", "overview", "release_date", "release_year", "poster_path", "runtime",
    "vote_average", "vote_count", "popularity",
]  # fmt: skip


@dataclass
class DemoLoadSummary:
    created: int = 0
    filled: int = 0  # existing rows whose missing fields the demo filled in

    def __str__(self) -> str:
        return f"{self.created} movies created, {self.filled} filled in"


def _demo_rows(directory: Path) -> list[dict[str, str]]:
    """The demo movies, from ``movies.csv.gz`` if the directory has it, else ``movies.csv``."""
    packed = directory / "movies.csv.gz"
    if packed.exists():
        with gzip.open(packed, "rt", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    with (directory / "movies.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _demo_movie(row: dict[str, str]) -> Movie:
    """A Movie from a demo row; a column the row lacks or leaves empty stays empty."""

    def number(name: str, kind: Callable[[str], float | int]) -> float | int | None:
        value = row.get(name) or ""
        return kind(value) if value else None

    date = row.get("release_date") or ""
    return Movie(
        tmdb_id=int(row["tmdb_id"]),
        imdb_id=row.get("imdb_id") or "",
        title=row["title"][:500],
        overview=row.get("overview") or "",
        release_date=datetime.date.fromisoformat(date) if date else None,
        release_year=number("year", int),
        poster_path=row.get("poster_path") or "",
        runtime=number("runtime", int),
        vote_average=number("vote_average", float),
        vote_count=number("vote_count", int),
        popularity=number("popularity", float),
    )


def _demo_fill(stored: Movie, demo: Movie) -> bool:
    """Fill the fields ``stored`` lacks from ``demo``; whether anything changed."""
    changed = False
    for name in DEMO_FIELDS:
        if name == "release_year":
            continue
        if getattr(stored, name) in (None, "") and getattr(demo, name) not in (None, ""):
            setattr(stored, name, getattr(demo, name))
            changed = True
            if name == "release_date":  # the year goes with the date
                stored.release_year = demo.release_year
    if stored.release_year is None and demo.release_year is not None:
        stored.release_year = demo.release_year
        changed = True
    return changed


def demo_catalog_load(
    *,
    directory: Path = DEMO_DIR,
    batch_size: int = 1000,
    on_progress: Callable[[int], object] | None = None,
) -> DemoLoadSummary:
    """Load the bundled demo catalog: MovieLens' movies with the TMDB metadata it has (overview,
    release date, poster, runtime, votes, popularity, genres).

    Keyed on ``tmdb_id`` like every sync, so a later TMDB sync upgrades the same rows in place.
    Rows that exist are not overwritten: a row no TMDB details sync has stored
    (``details_synced_at`` unset) gets only its missing fields filled from the demo, and its
    genres set from the demo if it has none or no TMDB data at all (no popularity); a row with
    TMDB details is left as it is. ``on_progress`` is called with each batch's number of movies
    (the total is ``len`` of the demo file). Reloading changes nothing.
    """
    with (directory / "genres.csv").open(newline="") as f:
        genres = [Genre(id=int(row["id"]), name=row["name"]) for row in csv.DictReader(f)]
    rows = _demo_rows(directory)
    demo = {movie.tmdb_id: movie for movie in map(_demo_movie, rows)}
    demo_genres = {int(row["tmdb_id"]): [int(g) for g in row["genre_ids"].split()] for row in rows}
    through = Movie.genres.through
    with transaction.atomic():
        Genre.objects.bulk_create(genres, ignore_conflicts=True)
        known_genres = set(Genre.objects.values_list("id", flat=True))
        existing = set(Movie.objects.values_list("tmdb_id", flat=True))
        current: dict[int, set[int]] = defaultdict(set)
        for movie_id, genre_id in through.objects.values_list("movie_id", "genre_id"):
            current[movie_id].add(genre_id)
        filled: dict[int, Movie] = {}
        regenre: set[int] = set()  # tmdb ids of stored rows whose genres the demo sets
        fillable = Movie.objects.filter(details_synced_at__isnull=True)  # whole rows: upserted
        for stored in fillable.iterator(chunk_size=batch_size):
            if stored.tmdb_id not in demo:
                continue
            if stored.popularity is None or not current[stored.id]:  # no TMDB data, no genres
                regenre.add(stored.tmdb_id)
            if _demo_fill(stored, demo[stored.tmdb_id]):
                filled[stored.tmdb_id] = stored
        order = list(demo)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            Movie.objects.bulk_create([demo[t] for t in chunk if t not in existing])
            Movie.objects.bulk_create(  # an upsert on rows that exist: faster than bulk_update
                [filled[t] for t in chunk if t in filled],
                update_conflicts=True,
                unique_fields=["tmdb_id"],
                update_fields=[*DEMO_FIELDS, "updated_at"],
            )
            if on_progress:
                on_progress(len(chunk))
        ids = dict(Movie.objects.values_list("tmdb_id", "id"))
        links: list[tuple[int, int]] = []
        replaced: list[int] = []
        for tmdb_id in order:
            movie_id = ids[tmdb_id]
            wanted = [g for g in dict.fromkeys(demo_genres[tmdb_id]) if g in known_genres]
            if tmdb_id in regenre and wanted and set(wanted) != current[movie_id]:
                replaced.append(movie_id)
            elif tmdb_id in existing:
                continue
            links += [(movie_id, g) for g in wanted]
        through.objects.filter(movie_id__in=replaced).delete()
        through.objects.bulk_create(
            [through(movie_id=m, genre_id=g) for m, g in links], batch_size=batch_size
        )
        created = {ids[t] for t in order if t not in existing}
        updated = {ids[t] for t in filled} | set(replaced)
        summary = DemoLoadSummary(created=len(created), filled=len(updated))
        changed = sorted(created | updated)
        if changed:
            transaction.on_commit(lambda: movies_changed.send(sender=Movie, movie_ids=changed))
    return summary
