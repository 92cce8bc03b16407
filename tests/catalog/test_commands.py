"""The catalog's management commands: ``tmdb_sync`` against the fake TMDB, ``load_demo_catalog``."""

import csv
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog import services
from catalog.models import Genre, Movie, SyncState
from catalog.services import CHANGES_SYNC, DEMO_DIR
from tests.catalog.conftest import SETTINGS_RETRIES
from tests.catalog.factories import MovieFactory

pytestmark = pytest.mark.django_db

DEMO_MOVIES = 9_733
SUBCOMMANDS = [
    ("genres",),
    ("lists", "--list", "popular", "--pages", "2"),
    ("ids", "550", "551"),
    ("details", "--limit", "5"),
    ("changes",),
]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def summary_line(what: str, text: str) -> str:
    return rf"{what}: {text} in \d+\.\ds\n"


# tmdb_sync


def test_tmdb_sync_genres(tmdb_settings):
    out = run("tmdb_sync", "genres")

    assert re.fullmatch(summary_line("genres", "19 genres"), out)
    assert Genre.objects.count() == 19


def test_tmdb_sync_lists(tmdb_settings, fake_tmdb):
    out = run("tmdb_sync", "lists", "--list", "popular", "--pages", "2")

    assert re.fullmatch(summary_line("lists", r"40 created, 0 updated, 2 page\(s\)"), out)
    assert Movie.objects.count() == 40
    assert Genre.objects.count() == 19  # genres first: list items carry their ids only
    wonka = Movie.objects.get(tmdb_id=787699)
    assert sorted(g.name for g in wonka.genres.all()) == ["Comedy", "Family", "Fantasy"]
    assert [r.query["page"] for r in fake_tmdb.requests_to("/3/movie/popular")] == ["1", "2"]

    out = run("tmdb_sync", "lists", "--list", "popular", "--pages", "2")

    assert re.fullmatch(summary_line("lists", r"0 created, 40 updated, 2 page\(s\)"), out)
    assert Movie.objects.count() == 40


def test_tmdb_sync_lists_needs_a_page(tmdb_settings, fake_tmdb):
    with pytest.raises(CommandError, match="--pages must be at least 1"):
        run("tmdb_sync", "lists", "--pages", "0")

    assert fake_tmdb.requests_to("/3/movie/popular") == []


def test_tmdb_sync_ids(tmdb_settings):
    out = run("tmdb_sync", "ids", "550", "551")

    assert re.fullmatch(summary_line("ids", r"2 created, 0 updated, 1 page\(s\)"), out)
    assert set(Movie.objects.values_list("tmdb_id", "runtime")) == {(550, 139), (551, 139)}
    assert not Movie.objects.filter(details_synced_at__isnull=True).exists()


@pytest.mark.parametrize("fake_tmdb", [{"known_movies_only": True}], indirect=True)
def test_tmdb_sync_ids_reports_unknown_ids(tmdb_settings):
    out = run("tmdb_sync", "ids", "550", "551")

    assert re.fullmatch(summary_line("ids", r"1 created, 0 updated, 1 page\(s\), 1 skipped"), out)
    assert list(Movie.objects.values_list("tmdb_id", flat=True)) == [550]


def test_tmdb_sync_details_fills_the_first_movies_missing_them(tmdb_settings, fake_tmdb):
    MovieFactory(runtime=100, details_synced_at=timezone.now())
    missing = MovieFactory.create_batch(7, details_synced_at=None)

    out = run("tmdb_sync", "details", "--limit", "5")

    assert re.fullmatch(summary_line("details", r"0 created, 5 updated, 1 page\(s\)"), out)
    filled = Movie.objects.filter(details_synced_at__isnull=False, runtime=139)
    assert sorted(filled.values_list("pk", flat=True)) == [m.pk for m in missing[:5]]
    assert len([r for r in fake_tmdb.requests if r.path.startswith("/3/movie/")]) == 5


def test_tmdb_sync_details_keeps_finished_batches_when_tmdb_fails_and_rerun_resumes(
    tmdb_settings, fake_tmdb
):
    missing = MovieFactory.create_batch(25, details_synced_at=None)
    fake_tmdb.fail_next(f"/3/movie/{missing[21].tmdb_id}", status=500, times=SETTINGS_RETRIES + 1)

    with pytest.raises(CommandError, match="rerun"):
        run("tmdb_sync", "details")

    assert services.movie_tmdb_ids_missing_details() == [m.tmdb_id for m in missing[20:]]

    out = run("tmdb_sync", "details")

    assert re.fullmatch(summary_line("details", r"0 created, 5 updated, 1 page\(s\)"), out)
    assert services.movie_tmdb_ids_missing_details() == []


@pytest.mark.parametrize("fake_tmdb", [{"known_movies_only": True}], indirect=True)
def test_tmdb_sync_details_with_a_limit_gets_past_movies_tmdb_does_not_know(tmdb_settings):
    MovieFactory.create_batch(2, details_synced_at=None)  # ids TMDB answers 404 for
    known = MovieFactory(tmdb_id=550, details_synced_at=None)

    run("tmdb_sync", "details", "--limit", "2")
    run("tmdb_sync", "details", "--limit", "2")

    assert Movie.objects.get(pk=known.pk).details_synced_at is not None


def test_tmdb_sync_changes(tmdb_settings, fake_tmdb):
    MovieFactory(tmdb_id=550, title="Stale")
    fake_tmdb.set_changes([550, 777])

    out = run("tmdb_sync", "changes")

    assert re.fullmatch(summary_line("changes", r"0 created, 1 updated, 1 page\(s\)"), out)
    assert Movie.objects.get(tmdb_id=550).title == "Fight Club"
    assert SyncState.objects.filter(name=CHANGES_SYNC).exists()


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda args: args[0])
def test_tmdb_sync_without_tmdb_configured_says_what_to_set(settings, fake_tmdb, args):
    settings.TMDB = {
        **settings.TMDB,
        "API_KEY": "",
        "READ_ACCESS_TOKEN": "",
        "BASE_URL": fake_tmdb.base_url,
    }
    MovieFactory(tmdb_id=550, title="Stored")

    with pytest.raises(CommandError, match="Set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN"):
        run("tmdb_sync", *args)

    assert fake_tmdb.requests == []
    assert list(Movie.objects.values_list("tmdb_id", "title")) == [(550, "Stored")]


@pytest.mark.parametrize("fault", ["fail", "drop"])
@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda args: args[0])
def test_tmdb_sync_with_tmdb_down_asks_for_a_rerun(tmdb_settings, fake_tmdb, args, fault):
    MovieFactory(tmdb_id=550, title="Stored")  # so that "details" and "changes" call TMDB
    if fault == "fail":
        fake_tmdb.fail_next("/3/", status=500, times=100)
    else:
        fake_tmdb.drop_next("/3/", times=100)

    with pytest.raises(CommandError, match="rerun") as excinfo:
        run("tmdb_sync", *args)

    assert str(excinfo.value).startswith("TMDB failed: GET /")
    assert fake_tmdb.api_key not in str(excinfo.value)
    assert fake_tmdb.requests  # it did try
    assert list(Movie.objects.values_list("tmdb_id", "title")) == [(550, "Stored")]


# load_demo_catalog


def demo_rows() -> list[dict[str, str]]:
    with (DEMO_DIR / "movies.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_load_demo_catalog_loads_the_bundled_movies_and_genres():
    out = run("load_demo_catalog", "--if-empty")  # the catalog is empty: it loads

    assert out == f"Demo catalog: {DEMO_MOVIES} movies created.\n"
    assert Movie.objects.count() == DEMO_MOVIES
    assert Genre.objects.count() == 19
    rows = demo_rows()
    assert Movie.genres.through.objects.count() == sum(len(r["genre_ids"].split()) for r in rows)
    assert Movie.objects.filter(release_year__isnull=True).count() == sum(
        1 for r in rows if not r["year"]
    )
    toy_story = Movie.objects.get(tmdb_id=862)
    assert (toy_story.title, toy_story.release_year) == ("Toy Story", 1995)
    assert {"Animation", "Family"} <= {g.name for g in toy_story.genres.all()}
    jumanji = Movie.objects.get(tmdb_id=8844)
    assert sorted(g.name for g in jumanji.genres.all()) == ["Adventure", "Family", "Fantasy"]
    # Nothing invented: what MovieLens does not say stays empty until a TMDB sync.
    assert not Movie.objects.exclude(overview="").exists()
    assert not Movie.objects.exclude(poster_path="").exists()
    assert not Movie.objects.exclude(backdrop_path="").exists()
    assert not Movie.objects.filter(release_date__isnull=False).exists()
    assert not Movie.objects.filter(runtime__isnull=False).exists()
    assert not Movie.objects.filter(vote_average__isnull=False).exists()
    assert not Movie.objects.filter(vote_count__isnull=False).exists()
    assert not Movie.objects.filter(popularity__isnull=False).exists()
    assert not Movie.objects.filter(details_synced_at__isnull=False).exists()


def test_load_demo_catalog_keeps_stored_movies_and_rerun_creates_nothing():
    synced = MovieFactory(tmdb_id=862, title="Toy Story (TMDB)", overview="Toys.")

    out = run("load_demo_catalog")

    assert out == f"Demo catalog: {DEMO_MOVIES - 1} movies created.\n"
    assert Movie.objects.count() == DEMO_MOVIES
    kept = Movie.objects.get(tmdb_id=862)
    assert (kept.pk, kept.title, kept.overview) == (synced.pk, "Toy Story (TMDB)", "Toys.")
    before = dict(Movie.objects.values_list("tmdb_id", "pk"))
    links = Movie.genres.through.objects.count()

    out = run("load_demo_catalog")

    assert out == "Demo catalog: 0 movies created.\n"
    assert dict(Movie.objects.values_list("tmdb_id", "pk")) == before
    assert Movie.genres.through.objects.count() == links


def test_load_demo_catalog_if_empty_is_a_no_op_on_a_catalog():
    MovieFactory(tmdb_id=862, title="Mine")

    out = run("load_demo_catalog", "--if-empty")

    assert out == "Catalog not empty: demo catalog not loaded.\n"
    assert list(Movie.objects.values_list("tmdb_id", "title")) == [(862, "Mine")]
    assert not Genre.objects.exists()
