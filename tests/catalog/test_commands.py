"""The catalog's management commands: ``tmdb_sync`` against the fake TMDB, ``load_demo_catalog``."""

import csv
import datetime
import gzip
import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog import services
from catalog.models import Genre, Movie, SyncState
from catalog.services import CHANGES_SYNC, DEMO_DIR
from catalog.signals import movies_changed
from tests.catalog.conftest import SETTINGS_RETRIES
from tests.catalog.factories import GenreFactory, MovieFactory

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


def test_tmdb_sync_details_keeps_what_it_fetched_when_tmdb_fails_and_rerun_resumes(
    tmdb_settings, fake_tmdb
):
    missing = MovieFactory.create_batch(25, details_synced_at=None)
    fake_tmdb.fail_next(f"/3/movie/{missing[21].tmdb_id}", status=500, times=SETTINGS_RETRIES + 1)

    with pytest.raises(CommandError, match="rerun"):
        run("tmdb_sync", "details")

    # The first batch of 20, and the 21st movie fetched before TMDB failed.
    assert services.movie_tmdb_ids_missing_details() == [m.tmdb_id for m in missing[21:]]

    out = run("tmdb_sync", "details")

    assert re.fullmatch(summary_line("details", r"0 created, 4 updated, 1 page\(s\)"), out)
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


@pytest.fixture
def changed_ids():
    """The movie ids ``movies_changed`` announced during the test (run on-commit callbacks
    with ``django_capture_on_commit_callbacks``)."""
    sent: list[int] = []

    def receiver(sender, movie_ids, **kwargs):
        sent.extend(movie_ids)

    movies_changed.connect(receiver, weak=False, dispatch_uid="tests.catalog.changed_ids")
    yield sent
    movies_changed.disconnect(dispatch_uid="tests.catalog.changed_ids")


def demo_rows() -> list[dict[str, str]]:
    with (DEMO_DIR / "movies.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_load_demo_catalog_loads_the_bundled_movies_and_genres():
    out = run("load_demo_catalog", "--if-empty")  # the catalog is empty: it loads

    assert out == f"Demo catalog: {DEMO_MOVIES} movies created, 0 filled in.\n"
    assert Movie.objects.count() == DEMO_MOVIES
    assert Genre.objects.count() == 19
    rows = demo_rows()
    assert Movie.genres.through.objects.count() == sum(len(r["genre_ids"].split()) for r in rows)
    assert Movie.objects.filter(release_year__isnull=True).count() == sum(
        1 for r in rows if not r["year"]
    )
    jumanji = Movie.objects.get(tmdb_id=8844)
    assert sorted(g.name for g in jumanji.genres.all()) == ["Adventure", "Family", "Fantasy"]
    # As many movies with metadata as the file has, none with what it does not have.
    for field in ("release_date", "runtime", "vote_average", "vote_count", "popularity"):
        filled = Movie.objects.filter(**{f"{field}__isnull": False}).count()
        assert filled == sum(1 for r in rows if r[field]), field
    assert Movie.objects.exclude(overview="").count() == sum(1 for r in rows if r["overview"])
    assert Movie.objects.exclude(poster_path="").count() == sum(1 for r in rows if r["poster_path"])
    assert not Movie.objects.exclude(backdrop_path="").exists()  # no movie backdrops in the data
    assert not Movie.objects.filter(details_synced_at__isnull=False).exists()


def test_load_demo_catalog_maps_tmdb_metadata_of_a_known_movie():
    services.demo_catalog_load()

    toy_story = Movie.objects.get(tmdb_id=862)
    assert (toy_story.title, toy_story.release_year) == ("Toy Story", 1995)
    assert toy_story.overview.startswith("Led by Woody, Andy's toys live happily in his room")
    assert toy_story.release_date == datetime.date(1995, 10, 30)
    assert toy_story.poster_path == "/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"
    assert toy_story.backdrop_path == ""  # the file's backdrop is the collection's, not used
    assert toy_story.runtime == 81
    assert (toy_story.vote_average, toy_story.vote_count) == (7.7, 5415)
    assert toy_story.popularity == pytest.approx(21.946943)
    assert sorted(g.id for g in toy_story.genres.all()) == [16, 35, 10751]  # TMDB's genres
    assert toy_story.details_synced_at is None  # not a TMDB details sync


def test_load_demo_catalog_invents_nothing_for_a_movie_the_tmdb_file_lacks():
    services.demo_catalog_load()

    navy_seals = Movie.objects.get(tmdb_id=12773)  # MovieLens only
    assert (navy_seals.title, navy_seals.release_year) == ("Navy Seals", 1990)
    assert sorted(g.id for g in navy_seals.genres.all()) == [12, 28, 10752]  # MovieLens' genres
    assert (navy_seals.overview, navy_seals.poster_path, navy_seals.backdrop_path) == ("", "", "")
    assert navy_seals.release_date is None
    assert navy_seals.runtime is None
    assert (navy_seals.vote_average, navy_seals.vote_count, navy_seals.popularity) == (None,) * 3


def test_load_demo_catalog_placeholders_are_no_values():
    services.demo_catalog_load()

    assert Movie.objects.get(tmdb_id=11907).overview == ""  # "No overview found." in the source
    assert Movie.objects.get(tmdb_id=62488).runtime is None  # 0 in the source
    unvoted = Movie.objects.get(tmdb_id=55146)  # 0 votes, an "average" of 0.0 in the source
    assert (unvoted.vote_count, unvoted.vote_average) == (0, None)
    assert not Movie.objects.filter(overview__icontains="no overview found").exists()
    assert not Movie.objects.filter(runtime=0).exists()
    # TMDB's retired "Foreign" genre (10769) is not a catalog genre.
    assert sorted(g.id for g in Movie.objects.get(tmdb_id=9840).genres.all()) == [18]


def test_load_demo_catalog_unescapes_html_entities():
    services.demo_catalog_load()

    assert not Movie.objects.filter(overview__contains="&amp;").exists()
    assert not Movie.objects.filter(title__contains="&amp;").exists()
    assert "cat & mouse" in Movie.objects.get(tmdb_id=6).overview  # "&amp;" in the source
    assert Movie.objects.get(tmdb_id=37146).title == "Penn & Teller Get Killed"


def test_load_demo_catalog_rerun_changes_nothing(changed_ids, django_capture_on_commit_callbacks):
    first = services.demo_catalog_load()
    before = {m.pk: m for m in Movie.objects.all()}
    links = set(Movie.genres.through.objects.values_list("movie_id", "genre_id"))

    with django_capture_on_commit_callbacks(execute=True):
        out = run("load_demo_catalog")

    assert (first.created, first.filled) == (DEMO_MOVIES, 0)
    assert out == "Demo catalog: 0 movies created, 0 filled in.\n"
    after = {m.pk: m for m in Movie.objects.all()}
    assert after.keys() == before.keys()
    assert all(after[pk].updated_at == movie.updated_at for pk, movie in before.items())
    assert set(Movie.genres.through.objects.values_list("movie_id", "genre_id")) == links
    assert changed_ids == []


def test_load_demo_catalog_fills_missing_fields_of_rows_without_tmdb_details(
    changed_ids, django_capture_on_commit_callbacks
):
    drama = GenreFactory(id=18, name="Drama")
    # A row of the earlier demo (title, year, MovieLens genres only): filled, TMDB genres set.
    old_demo = MovieFactory(
        tmdb_id=862, title="Toy Story", overview="", release_date=None, release_year=1995,
        poster_path="", backdrop_path="", popularity=None, vote_average=None, vote_count=None,
        genres=[drama],
    )  # fmt: skip
    # A row a TMDB list sync stored (no details): only what it lacks is filled, genres kept.
    listed = MovieFactory(tmdb_id=8844, title="Jumanji (TMDB)", overview="Stored.", genres=[drama])
    # A row with TMDB details: left as it is, even where it is empty.
    detailed = MovieFactory(
        tmdb_id=949, overview="", poster_path="", details_synced_at=timezone.now()
    )
    detailed_before = Movie.objects.filter(pk=detailed.pk).values().get()

    with django_capture_on_commit_callbacks(execute=True):
        summary = services.demo_catalog_load()

    assert (summary.created, summary.filled) == (DEMO_MOVIES - 3, 2)
    assert Movie.objects.count() == DEMO_MOVIES
    old_demo.refresh_from_db()
    assert old_demo.overview.startswith("Led by Woody")
    assert old_demo.release_date == datetime.date(1995, 10, 30)
    assert (old_demo.poster_path, old_demo.runtime) == ("/rhIRbceoE9lR4veEXuwCC2wARtG.jpg", 81)
    assert (old_demo.vote_count, old_demo.backdrop_path) == (5415, "")
    assert sorted(g.id for g in old_demo.genres.all()) == [16, 35, 10751]
    listed.refresh_from_db()
    assert (listed.title, listed.overview, listed.vote_count) == ("Jumanji (TMDB)", "Stored.", 100)
    assert listed.runtime == 104  # what the sync did not store
    assert [g.id for g in listed.genres.all()] == [18]
    assert Movie.objects.filter(pk=detailed.pk).values().get() == detailed_before
    assert {old_demo.pk, listed.pk} <= set(changed_ids)
    assert detailed.pk not in changed_ids

    again = services.demo_catalog_load()

    assert (again.created, again.filled) == (0, 0)


def test_load_demo_catalog_reads_a_gzipped_file(tmp_path):
    shutil.copyfile(DEMO_DIR / "genres.csv", tmp_path / "genres.csv")
    with (
        (DEMO_DIR / "movies.csv").open("rb") as f,
        gzip.open(tmp_path / "movies.csv.gz", "wb") as g,
    ):
        g.write(b"".join(f.readlines()[:11]))

    summary = services.demo_catalog_load(directory=tmp_path)

    assert summary.created == Movie.objects.count() == 10
    assert Movie.objects.get(tmdb_id=862).runtime == 81


def test_load_demo_catalog_if_empty_is_a_no_op_on_a_catalog():
    MovieFactory(tmdb_id=862, title="Mine")

    out = run("load_demo_catalog", "--if-empty")

    assert out == "Catalog not empty: demo catalog not loaded.\n"
    assert list(Movie.objects.values_list("tmdb_id", "title")) == [(862, "Mine")]
    assert not Genre.objects.exists()
