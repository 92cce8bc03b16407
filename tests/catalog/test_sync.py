"""TMDB syncs (``catalog.services``) against the fake TMDB server, through a real TMDBClient."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from catalog import services
from catalog.models import Genre, Movie, SyncState
from catalog.signals import movies_changed
from tests.catalog.conftest import CLIENT_RETRIES
from tests.catalog.factories import MovieFactory
from tmdb.exceptions import TMDBUnavailable
from tmdb.testing.server import ID_STRIDE, example

pytestmark = pytest.mark.django_db

TMDB_GENRES = {genre["id"]: genre["name"] for genre in example("genre-movie-list.json")["genres"]}
FIGHT_CLUB = example("movie-details.json")
NOW = datetime.datetime(2024, 3, 20, 12, 0, tzinfo=datetime.UTC)


def popular_page(number: int) -> list[dict[str, Any]]:
    """The items of page ``number`` of /movie/popular as the fake serves them."""
    shift = (number - 1) * ID_STRIDE
    return [{**item, "id": item["id"] + shift} for item in example("movie-popular.json")["results"]]


def expected_row(item: dict[str, Any]) -> tuple:
    release = datetime.date.fromisoformat(item["release_date"]) if item["release_date"] else None
    return (
        item["title"],
        item["overview"],
        release,
        release.year if release else None,
        item["poster_path"] or "",
        item["backdrop_path"] or "",
        item["popularity"],
        item["vote_average"],
        item["vote_count"],
        sorted(item["genre_ids"]),
    )


def expected_state(*pages: int) -> dict[int, tuple]:
    """What a clean sync of these pages of /movie/popular stores, built from the recording."""
    return {item["id"]: expected_row(item) for page in pages for item in popular_page(page)}


def catalog_state() -> dict[int, tuple]:
    return {
        m.tmdb_id: (
            m.title,
            m.overview,
            m.release_date,
            m.release_year,
            m.poster_path,
            m.backdrop_path,
            m.popularity,
            m.vote_average,
            m.vote_count,
            sorted(genre.id for genre in m.genres.all()),
        )
        for m in Movie.objects.prefetch_related("genres")
    }


def pks() -> dict[int, int]:
    return dict(Movie.objects.values_list("tmdb_id", "pk"))


def pages_asked(fake, path: str = "/3/movie/popular") -> list[str]:
    return [request.query.get("page") for request in fake.requests_to(path)]


def changes_windows(fake) -> list[tuple[str, str]]:
    return [
        (r.query["start_date"], r.query["end_date"]) for r in fake.requests_to("/3/movie/changes")
    ]


# Genres


def test_genres_sync_stores_tmdb_genres_and_is_idempotent(tmdb):
    Genre.objects.create(id=28, name="Renamed since")

    assert services.genres_sync(client=tmdb) == 19
    assert dict(Genre.objects.values_list("id", "name")) == TMDB_GENRES

    assert services.genres_sync(client=tmdb) == 19
    assert Genre.objects.count() == 19
    assert dict(Genre.objects.values_list("id", "name")) == TMDB_GENRES


# Lists


def test_movie_list_sync_stores_the_pages(tmdb, fake_tmdb):
    services.genres_sync(client=tmdb)

    summary = services.movie_list_sync(client=tmdb, source="popular", pages=2)

    assert (summary.created, summary.updated, summary.pages, summary.skipped) == (40, 0, 2, [])
    assert pages_asked(fake_tmdb) == ["1", "2"]  # the fake has 3 pages: never asked for more
    assert Movie.objects.count() == 40
    assert catalog_state() == expected_state(1, 2)
    wonka = Movie.objects.get(tmdb_id=787699)
    assert wonka.title == "Wonka"
    assert wonka.release_date == datetime.date(2023, 12, 6)
    assert wonka.release_year == 2023
    assert wonka.poster_path.startswith("/") and wonka.overview
    assert wonka.popularity and wonka.vote_average and wonka.vote_count
    assert {(g.id, g.name) for g in wonka.genres.all()} == {
        (35, "Comedy"), (10751, "Family"), (14, "Fantasy"),
    }  # fmt: skip
    assert Movie.objects.get(tmdb_id=787699 + ID_STRIDE).title == "Wonka"  # page 2
    # A list item is no details.
    assert not Movie.objects.filter(details_synced_at__isnull=False).exists()
    assert not Movie.objects.filter(runtime__isnull=False).exists()


def test_movie_list_sync_rerun_updates_in_place(tmdb):
    services.genres_sync(client=tmdb)
    services.movie_list_sync(client=tmdb, source="popular", pages=2)
    before = pks()
    Movie.objects.filter(tmdb_id=787699).update(title="Stale", popularity=0.5)
    Movie.objects.get(tmdb_id=787699).genres.clear()

    summary = services.movie_list_sync(client=tmdb, source="popular", pages=2)

    assert (summary.created, summary.updated, summary.pages) == (0, 40, 2)
    assert pks() == before
    assert catalog_state() == expected_state(1, 2)


def test_movie_list_sync_never_wipes_stored_details(tmdb, fake_tmdb):
    services.genres_sync(client=tmdb)
    fake_tmdb.add_movie(787699, title="Wonka", runtime=116, genres=[{"id": 35, "name": "Comedy"}])
    services.movies_sync_by_tmdb_ids(client=tmdb, tmdb_ids=[787699])
    detailed = Movie.objects.get(tmdb_id=787699)
    assert detailed.runtime == 116 and detailed.details_synced_at is not None

    services.movie_list_sync(client=tmdb, source="popular", pages=1)

    movie = Movie.objects.get(tmdb_id=787699)
    assert movie.pk == detailed.pk
    assert movie.runtime == 116
    assert movie.details_synced_at == detailed.details_synced_at
    assert catalog_state()[787699] == expected_state(1)[787699]  # the list's values otherwise


def test_movie_list_sync_failing_page_keeps_finished_pages_and_rerun_converges(tmdb, fake_tmdb):
    services.genres_sync(client=tmdb)

    def break_next_page(page):
        if page.page == 1:  # page 2 fails more times than the client retries
            fake_tmdb.fail_next("/3/movie/popular", status=500, times=CLIENT_RETRIES + 1)

    with pytest.raises(TMDBUnavailable):
        services.movie_list_sync(client=tmdb, source="popular", pages=2, on_page=break_next_page)

    assert pages_asked(fake_tmdb) == ["1"] + ["2"] * (CLIENT_RETRIES + 1)
    assert catalog_state() == expected_state(1)  # page 1 whole, genres included; none of page 2
    page_1 = pks()

    summary = services.movie_list_sync(client=tmdb, source="popular", pages=2)

    assert (summary.created, summary.updated, summary.pages) == (20, 20, 2)
    assert catalog_state() == expected_state(1, 2)  # as a clean run
    assert {tmdb_id: pk for tmdb_id, pk in pks().items() if tmdb_id in page_1} == page_1


# Details by id


def test_movies_sync_by_tmdb_ids_stores_details(tmdb, fake_tmdb):
    fake_tmdb.add_movie(
        13,
        title="Forrest Gump",
        runtime=142,
        release_date="1994-06-23",
        genres=[{"id": 35, "name": "Comedy"}, {"id": 18, "name": "Drama"}],
    )
    before = timezone.now()

    summary = services.movies_sync_by_tmdb_ids(client=tmdb, tmdb_ids=[550, 13])

    assert (summary.created, summary.updated, summary.pages, summary.skipped) == (2, 0, 1, [])
    fight_club = Movie.objects.get(tmdb_id=550)
    assert fight_club.title == "Fight Club"
    assert fight_club.imdb_id == FIGHT_CLUB["imdb_id"]
    assert fight_club.runtime == 139
    assert fight_club.overview == FIGHT_CLUB["overview"]
    assert fight_club.release_date == datetime.date(1999, 10, 15)
    assert fight_club.release_year == 1999
    assert fight_club.poster_path == FIGHT_CLUB["poster_path"]
    assert fight_club.backdrop_path == FIGHT_CLUB["backdrop_path"]
    assert fight_club.vote_count == FIGHT_CLUB["vote_count"]
    assert fight_club.details_synced_at >= before
    assert [(g.id, g.name) for g in fight_club.genres.all()] == [(18, "Drama")]
    gump = Movie.objects.get(tmdb_id=13)
    assert (gump.title, gump.runtime, gump.release_year) == ("Forrest Gump", 142, 1994)
    assert sorted(g.name for g in gump.genres.all()) == ["Comedy", "Drama"]
    assert dict(Genre.objects.values_list("id", "name")) == {18: "Drama", 35: "Comedy"}


@pytest.mark.parametrize("fake_tmdb", [{"known_movies_only": True}], indirect=True)
def test_movies_sync_by_tmdb_ids_skips_movies_tmdb_does_not_know(tmdb, fake_tmdb):
    fake_tmdb.add_movie(13, title="Forrest Gump")

    summary = services.movies_sync_by_tmdb_ids(
        client=tmdb, tmdb_ids=[550, 404_404, 13, 404_405], batch_size=2
    )

    assert summary.skipped == [404_404, 404_405]
    assert (summary.created, summary.updated, summary.pages) == (2, 0, 1)
    assert set(Movie.objects.values_list("tmdb_id", flat=True)) == {550, 13}
    assert "2 skipped" in str(summary)


def test_movies_sync_by_tmdb_ids_keeps_what_it_fetched_when_tmdb_fails(tmdb, fake_tmdb):
    """A rate limit or an outage midway: the details already fetched are stored, not fetched
    again by the next run."""
    fake_tmdb.fail_next("/3/movie/3", status=503, times=10)

    with pytest.raises(TMDBUnavailable):
        services.movies_sync_by_tmdb_ids(client=tmdb, tmdb_ids=[1, 2, 3, 4], batch_size=20)

    assert set(Movie.objects.values_list("tmdb_id", flat=True)) == {1, 2}


def test_missing_details_backfill(tmdb, fake_tmdb):
    complete = MovieFactory(tmdb_id=680, runtime=154, details_synced_at=timezone.now())
    missing = MovieFactory.create_batch(3, details_synced_at=None)
    missing_ids = [movie.tmdb_id for movie in missing]

    assert services.movie_tmdb_ids_missing_details() == missing_ids
    assert services.movie_tmdb_ids_missing_details(limit=2) == missing_ids[:2]

    summary = services.movies_sync_by_tmdb_ids(
        client=tmdb, tmdb_ids=services.movie_tmdb_ids_missing_details()
    )

    assert (summary.created, summary.updated) == (0, 3)
    assert services.movie_tmdb_ids_missing_details() == []
    for movie in missing:
        stored = Movie.objects.get(pk=movie.pk)
        assert stored.runtime == 139 and stored.details_synced_at is not None
    assert fake_tmdb.requests_to("/3/movie/680") == []
    complete.refresh_from_db()
    assert complete.runtime == 154


# Changes


def test_changes_sync_refreshes_only_stored_movies_in_the_feed(tmdb, fake_tmdb):
    MovieFactory(tmdb_id=550, title="Stale", details_synced_at=None)
    fake_tmdb.add_movie(13, title="Forrest Gump")
    MovieFactory(tmdb_id=13, title="Old Gump")
    MovieFactory(tmdb_id=680, title="Pulp Fiction")  # stored, not in the feed
    fake_tmdb.set_changes([550, 999_001, 13])  # 999001: changed, but not in the catalog

    summary = services.movie_changes_sync(client=tmdb, now=NOW)

    assert (summary.created, summary.updated, summary.skipped) == (0, 2, [])
    assert Movie.objects.get(tmdb_id=550).title == "Fight Club"
    assert Movie.objects.get(tmdb_id=550).details_synced_at is not None
    assert Movie.objects.get(tmdb_id=13).title == "Forrest Gump"
    assert Movie.objects.get(tmdb_id=680).title == "Pulp Fiction"
    assert Movie.objects.get(tmdb_id=680).details_synced_at is None
    assert not Movie.objects.filter(tmdb_id=999_001).exists()
    assert fake_tmdb.requests_to("/3/movie/680") == []
    assert fake_tmdb.requests_to("/3/movie/999001") == []
    assert SyncState.objects.get(name=services.CHANGES_SYNC).last_run_at == NOW
    assert changes_windows(fake_tmdb) == [("2024-03-19", "2024-03-20")]  # first run: a day


def test_changes_sync_next_window_starts_at_the_last_run(tmdb, fake_tmdb):
    fake_tmdb.set_changes([])
    later = NOW + datetime.timedelta(days=2, hours=3)

    services.movie_changes_sync(client=tmdb, now=NOW)
    services.movie_changes_sync(client=tmdb, now=later)

    assert changes_windows(fake_tmdb) == [
        ("2024-03-19", "2024-03-20"),
        ("2024-03-20", "2024-03-22"),
    ]
    assert SyncState.objects.get(name=services.CHANGES_SYNC).last_run_at == later


def test_changes_sync_window_is_clamped_to_14_days(tmdb, fake_tmdb):
    fake_tmdb.set_changes([])
    SyncState.objects.create(name=services.CHANGES_SYNC, last_run_at=NOW - datetime.timedelta(30))

    services.movie_changes_sync(client=tmdb, now=NOW)

    assert changes_windows(fake_tmdb) == [("2024-03-06", "2024-03-20")]


def _fail_feed_page_2(fake) -> None:
    fake.delay_next("/3/movie/changes", 0)  # page 1 answers normally
    fake.fail_next("/3/movie/changes", status=500, times=CLIENT_RETRIES + 1)


def _fail_a_movie(fake) -> None:
    fake.fail_next("/3/movie/550", status=500, times=CLIENT_RETRIES + 1)


@pytest.mark.parametrize("fault", [_fail_feed_page_2, _fail_a_movie])
def test_changes_sync_failure_records_no_run_so_the_rerun_repeats(tmdb, fake_tmdb, fault):
    previous = NOW - datetime.timedelta(days=3)
    SyncState.objects.create(name=services.CHANGES_SYNC, last_run_at=previous)
    MovieFactory(tmdb_id=13, title="Old Gump")
    MovieFactory(tmdb_id=550, title="Stale")
    fake_tmdb.set_changes([13, *range(1000, 1150), 550])  # two pages; 550 on the second
    fault(fake_tmdb)

    with pytest.raises(TMDBUnavailable):
        services.movie_changes_sync(client=tmdb, now=NOW)

    assert SyncState.objects.get(name=services.CHANGES_SYNC).last_run_at == previous
    assert Movie.objects.get(tmdb_id=550).title == "Stale"

    later = NOW + datetime.timedelta(hours=1)
    summary = services.movie_changes_sync(client=tmdb, now=later)

    windows = changes_windows(fake_tmdb)
    assert windows[0] == windows[-1] == ("2024-03-17", "2024-03-20")  # the same window again
    assert summary.updated == 2
    assert Movie.objects.get(tmdb_id=550).title == "Fight Club"
    assert SyncState.objects.get(name=services.CHANGES_SYNC).last_run_at == later


# The demo catalog, upgraded by TMDB


def test_demo_catalog_row_is_upgraded_in_place_by_a_tmdb_sync(tmdb, fake_tmdb):
    services.demo_catalog_load()
    demo = Movie.objects.get(tmdb_id=862)
    assert (demo.title, demo.imdb_id, demo.poster_path, demo.details_synced_at) == (
        "Toy Story", "tt0114709", "/rhIRbceoE9lR4veEXuwCC2wARtG.jpg", None
    )  # fmt: skip
    count = Movie.objects.count()
    fake_tmdb.add_movie(
        862,
        title="Toy Story",
        overview="Led by Woody, Andy's toys live happily in his room until...",
        release_date="1995-10-30",
        runtime=81,
        imdb_id="tt0114709",
        poster_path="/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
        genres=[
            {"id": 16, "name": "Animation"},
            {"id": 35, "name": "Comedy"},
            {"id": 10751, "name": "Family"},
        ],
    )

    summary = services.movies_sync_by_tmdb_ids(client=tmdb, tmdb_ids=[862])

    assert (summary.created, summary.updated) == (0, 1)
    assert Movie.objects.count() == count
    movie = Movie.objects.get(tmdb_id=862)
    assert movie.pk == demo.pk
    assert movie.overview.startswith("Led by Woody")
    assert movie.release_date == datetime.date(1995, 10, 30)
    assert movie.release_year == 1995
    assert movie.runtime == 81
    assert movie.imdb_id == "tt0114709"
    assert movie.poster_path == "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg"
    assert movie.details_synced_at is not None
    assert sorted(g.id for g in movie.genres.all()) == [16, 35, 10751]


# The movies_changed signal


@pytest.fixture
def changed() -> Iterator[list[list[int]]]:
    """Every ``movies_changed`` sent during the test: its movie ids, sorted."""
    sent: list[list[int]] = []

    def receiver(sender, movie_ids, **kwargs):
        sent.append(sorted(movie_ids))

    movies_changed.connect(receiver, weak=False, dispatch_uid="tests.catalog.changed")
    yield sent
    movies_changed.disconnect(dispatch_uid="tests.catalog.changed")


def page_pks(page: int) -> list[int]:
    tmdb_ids = [item["id"] for item in popular_page(page)]
    return sorted(Movie.objects.filter(tmdb_id__in=tmdb_ids).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_movies_changed_is_sent_once_per_committed_page(tmdb, changed):
    services.genres_sync(client=tmdb)

    services.movie_list_sync(client=tmdb, source="popular", pages=2)

    assert changed == [page_pks(1), page_pks(2)]
    assert len(changed[0]) == 20


@pytest.mark.django_db(transaction=True)
def test_movies_changed_is_not_sent_for_a_page_whose_transaction_failed(tmdb, fake_tmdb, changed):
    services.genres_sync(client=tmdb)
    # Page 2 holds a movie the database refuses (a vote average above 10): its upsert fails.
    items = popular_page(2)
    items[-1] = {**items[-1], "vote_average": 11.0}
    broken = {**example("movie-popular.json"), "page": 2, "total_pages": 3, "results": items}

    def break_next_page(page):
        if page.page == 1:
            fake_tmdb.fail_next("/3/movie/popular", status=200, body=broken)

    with pytest.raises(IntegrityError):
        services.movie_list_sync(client=tmdb, source="popular", pages=2, on_page=break_next_page)

    assert changed == [page_pks(1)]
    assert set(pks()) == {item["id"] for item in popular_page(1)}  # page 2 rolled back whole
