"""Film matching (imports.matching): ids, titles and years against the catalog, then TMDB (the
fake server) for what the catalog lacks; never a guess."""

import datetime
import os
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from catalog.models import Movie
from imports.matching import (
    AMBIGUOUS,
    NOT_FOUND,
    FilmRef,
    TMDBRetryLater,
    article_moved,
    imdb_id_normal,
    match_films,
    title_key,
    title_names,
)
from tests.catalog.factories import MovieFactory
from tmdb.client import TMDBClient
from tmdb.ratelimit import RateLimiter
from tmdb.testing.server import FakeTMDB

REDIS_URL = os.environ.get("REDIS_URL", "")


def movie(title: str, year: int | None, *, dated: bool = True, **fields) -> Movie:
    """A catalog movie of ``year``: a TMDB release date's (``dated``), or a year alone, as the
    demo catalog has for the MovieLens movies TMDB's data did not cover."""
    date = datetime.date(year, 6, 1) if year and dated else None
    return MovieFactory(title=title, release_date=date, release_year=year, **fields)


def match_one(ref: FilmRef, client: TMDBClient | None = None):
    return match_films([ref], client=client)[ref]


# Titles


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("The Matrix", "Matrix, The"),
        ("Amélie", "AMELIE"),
        ("L'Atalante", "Atalante, L'"),
        ("Le Dernier Métro", "Dernier métro, Le"),
        ("Zeus & Roxanne", "Zeus and Roxanne"),
        ("Thelma & Louise", "Thelma Louise"),
        ("Mr. & Mrs. Smith", "Mr and Mrs Smith"),
        ("R.I.P.D.", "RIPD"),
        ("Spider-Man", "Spider Man"),
        ("Miller\u2019s Crossing", "Miller's Crossing"),
        ("Smultronstället", "SMULTRONSTALLET"),
        ("Søndag", "Sondag"),
        ("Good, the Bad and the Ugly, The", "The Good, the Bad and the Ugly"),
    ],
)
def test_spellings_of_one_title_have_one_key(one: str, other: str) -> None:
    assert title_key(one) == title_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("The Thing", "Thing"), ("Happy, Texas", "Happy"), ("Heat", "Heat 2"), ("Ran", "Rain")],
)
def test_different_titles_have_different_keys(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


def test_title_names_read_the_titles_in_parentheses() -> None:
    assert title_names("Amelie (Fabuleux destin d'Amélie Poulain, Le)") == (
        "Amelie",
        ["Fabuleux destin d'Amélie Poulain, Le"],
    )
    assert title_names("Thirteen Ghosts (a.k.a. Thir13en Ghosts)") == (
        "Thirteen Ghosts",
        ["Thir13en Ghosts"],
    )
    assert title_names("My Crazy Life (Mi vida loca) (Vida loca)") == (
        "My Crazy Life",
        ["Mi vida loca", "Vida loca"],
    )
    assert title_names("(500) Days of Summer") == ("(500) Days of Summer", [])
    assert article_moved("Matrix, The") == "The Matrix"
    assert article_moved("Happy, Texas") == "Happy, Texas"


@pytest.mark.parametrize(
    ("given", "normal"),
    [("tt0111161", "tt0111161"), (" TT111161 ", "tt0111161"), ("tt12345678", "tt12345678"),
     ("nm0000001", None), ("", None), (None, None), ("tt", None)],
)  # fmt: skip
def test_imdb_ids_are_read_as_imdb_writes_them(given, normal) -> None:
    assert imdb_id_normal(given) == normal


# The catalog


def test_a_tmdb_id_finds_its_movie(db) -> None:
    film = movie("Fight Club", 1999, tmdb_id=550)

    assert match_one(FilmRef(tmdb_id=550)) == film.pk
    assert match_one(FilmRef(tmdb_id=551)) == NOT_FOUND


def test_an_imdb_id_finds_its_movie(db) -> None:
    film = movie("The Shawshank Redemption", 1994, imdb_id="tt0111161")

    assert match_one(FilmRef(imdb_id="tt0111161")) == film.pk
    assert match_one(FilmRef(imdb_id="tt111161")) == film.pk
    assert match_one(FilmRef(imdb_id="tt0111162")) == NOT_FOUND
    assert match_one(FilmRef(imdb_id="not an id")) == NOT_FOUND


def test_the_tmdb_id_comes_before_the_imdb_id(db) -> None:
    film = movie("Fight Club", 1999, tmdb_id=550, imdb_id="tt0137523")
    other = movie("Se7en", 1995, tmdb_id=807, imdb_id="tt0114369")

    assert match_one(FilmRef(tmdb_id=550, imdb_id="tt0114369")) == film.pk
    assert match_one(FilmRef(tmdb_id=None, imdb_id="tt0114369")) == other.pk


def test_ids_that_name_two_films_match_neither(db) -> None:
    """Without TMDB to say the TMDB id is unknown, an IMDb id whose movie has another TMDB id
    names another film."""
    movie("Se7en", 1995, tmdb_id=807, imdb_id="tt0114369")

    assert match_one(FilmRef(tmdb_id=999_999, imdb_id="tt0114369")) == AMBIGUOUS


def test_a_row_with_ids_is_never_matched_by_its_title(db) -> None:
    movie("Gladiator", 2000, tmdb_id=98, imdb_id="tt0172495")

    ref = FilmRef(tmdb_id=990_001, title="Gladiator", year=2000)
    assert match_one(ref) == NOT_FOUND
    assert match_one(FilmRef(imdb_id="tt9900001", title="Gladiator", year=2000)) == NOT_FOUND


def test_an_empty_or_malformed_id_is_no_id(db) -> None:
    film = movie("Gladiator", 2000)

    for ref in (
        FilmRef(tmdb_id=0, title="Gladiator", year=2000),
        FilmRef(imdb_id="", title="Gladiator", year=2000),
        FilmRef(imdb_id="N/A", title="Gladiator", year=2000),
    ):
        assert match_one(ref) == film.pk


def test_remakes_are_told_apart_by_their_year(db) -> None:
    old = movie("Gladiator", 1992)
    new = movie("Gladiator", 2000)
    breathless = movie("Breathless (À bout de souffle)", 1960)
    remake = movie("Breathless", 1983)

    found = match_films(
        [
            FilmRef(title="Gladiator", year=1992),
            FilmRef(title="Gladiator", year=2000),
            FilmRef(title="Breathless", year=1960),
            FilmRef(title="Breathless", year=1983),
            FilmRef(title="À bout de souffle", year=1960),
            FilmRef(title="Gladiator", year=2010),
        ],
        client=None,
    )

    assert list(found.values()) == [old.pk, new.pk, breathless.pk, remake.pk, breathless.pk,
                                    NOT_FOUND]  # fmt: skip


def test_accents_case_and_punctuation(db) -> None:
    amelie = movie("Amélie", 2001)
    ripd = movie("R.I.P.D.", 2013)
    zeus = movie("Zeus & Roxanne", 1997)

    assert match_one(FilmRef(title="AMELIE", year=2001)) == amelie.pk
    assert match_one(FilmRef(title="R.I.P.D", year=2013)) == ripd.pk
    assert match_one(FilmRef(title="Zeus and Roxanne", year=1997)) == zeus.pk


def test_articles_moved(db) -> None:
    matrix = movie("The Matrix", 1999)
    metro = movie("The Last Metro (Dernier métro, Le)", 1980)
    ugly = movie("Good, the Bad and the Ugly, The", 1966)

    assert match_one(FilmRef(title="Matrix, The", year=1999)) == matrix.pk
    assert match_one(FilmRef(title="Le Dernier Métro", year=1980)) == metro.pk
    assert match_one(FilmRef(title="The Last Metro", year=1980)) == metro.pk
    assert match_one(FilmRef(title="The Good, the Bad and the Ugly", year=1966)) == ugly.pk
    # "The" is not dropped: another title.
    assert match_one(FilmRef(title="Matrix", year=1999)) == NOT_FOUND


def test_original_titles_in_parentheses(db) -> None:
    amelie = movie("Amelie (Fabuleux destin d'Amélie Poulain, Le)", 2001)
    potter = movie(
        "Harry Potter and the Sorcerer's Stone (a.k.a. Harry Potter and the Philosopher's Stone)",
        2001,
    )

    assert match_one(FilmRef(title="Amelie", year=2001)) == amelie.pk
    assert match_one(FilmRef(title="Amélie (Le fabuleux destin d'Amélie Poulain)", year=2001)) == (
        amelie.pk
    )
    assert match_one(FilmRef(title="Le Fabuleux Destin d'Amélie Poulain", year=2001)) == amelie.pk
    assert match_one(FilmRef(title="Harry Potter and the Philosopher's Stone", year=2001)) == (
        potter.pk
    )


def test_a_film_by_its_own_title_beats_one_by_another_title(db) -> None:
    own = movie("Vida loca", 1993)
    movie("My Crazy Life (Vida loca)", 1993)

    assert match_one(FilmRef(title="Vida Loca", year=1993)) == own.pk


def test_an_invented_film_is_not_found(db) -> None:
    movie("The Lantern Keeper", 2019)

    assert match_one(FilmRef(title="The Lantern Keeper of Varn", year=2019)) == NOT_FOUND
    assert match_one(FilmRef(title="", year=2019)) == NOT_FOUND
    assert match_one(FilmRef()) == NOT_FOUND


def test_odd_refs_are_not_found_never_an_error(db) -> None:
    """Ids and years out of every column's range, titles of nothing or of 10,000 letters."""
    movie("Heat", 1995)
    refs = [
        FilmRef(tmdb_id=10**12), FilmRef(tmdb_id=-5), FilmRef(tmdb_id=0),
        FilmRef(imdb_id="tt99999999999"), FilmRef(imdb_id="tt0"),
        FilmRef(title="Heat", year=99_999), FilmRef(title="Heat", year=-3),
        FilmRef(title="Heat" * 2500, year=1995), FilmRef(title=" ,.;() ", year=1995),
    ]  # fmt: skip

    assert set(match_films(refs, client=None).values()) == {NOT_FOUND}


def test_two_films_equally_good_are_ambiguous(db) -> None:
    movie("Hamlet", 1990, tmdb_id=10264)
    movie("Hamlet", 1990, tmdb_id=990_264)
    movie("Crash", 1996)
    movie("Crash", 2004)

    assert match_one(FilmRef(title="Hamlet", year=1990)) == AMBIGUOUS
    assert match_one(FilmRef(title="Crash")) == AMBIGUOUS  # no year: any year is as good


def test_a_title_without_year_matches_a_film_only_if_it_is_the_only_one(db) -> None:
    heat = movie("Heat", 1995)

    assert match_one(FilmRef(title="Heat")) == heat.pk


def test_one_year_off_only_when_a_single_film_is_that_close(db) -> None:
    """The demo's MovieLens years (movies without a TMDB date) differ from TMDB's, the year
    Letterboxd shows, by one for 3% of films."""
    swimming = movie("Swimming with Sharks", 1995, dated=False)
    movie("Twins", 1988, dated=False)
    movie("Twins", 1990, dated=False)
    exact = movie("Heat", 1995, dated=False)
    movie("Heat", 1996, dated=False)

    assert match_one(FilmRef(title="Swimming with Sharks", year=1994)) == swimming.pk
    assert match_one(FilmRef(title="Swimming with Sharks", year=1993)) == NOT_FOUND
    assert match_one(FilmRef(title="Twins", year=1989)) == AMBIGUOUS
    assert match_one(FilmRef(title="Heat", year=1995)) == exact.pk


def test_never_one_year_off_a_tmdb_release_date(db) -> None:
    """A catalog year from TMDB's date is the year Letterboxd gives: one year off, it is
    another film (The Best Man of 1998 is not the one of 1999)."""
    movie("The Best Man", 1998, dated=True)

    assert match_one(FilmRef(title="The Best Man", year=1999)) == NOT_FOUND


def test_the_same_ref_twice_is_one_entry(db) -> None:
    film = movie("Heat", 1995)
    ref = FilmRef(title="Heat", year=1995)

    assert match_films([ref, ref, FilmRef(title="Heat", year=1995)], client=None) == {ref: film.pk}


def test_queries_do_not_grow_with_the_rows(db) -> None:
    """Thousands of rows are matched in a few queries: ids in chunks of 500, titles at once."""
    films = [movie(f"Film number {n}", 1980 + n % 40, imdb_id=f"tt{n:07d}") for n in range(1200)]
    refs = [FilmRef(title=f"Film number {n}", year=1980 + n % 40) for n in range(1200)]
    refs += [FilmRef(tmdb_id=f.tmdb_id) for f in films]
    refs += [FilmRef(imdb_id=f.imdb_id) for f in films]

    with CaptureQueriesContext(connection) as few:
        small = match_films(refs[:3] + refs[1200:1203] + refs[2400:2403], client=None)
    with CaptureQueriesContext(connection) as many:
        found = match_films(refs, client=None)

    assert list(small.values()) == [films[n].pk for n in (0, 1, 2)] * 3
    assert found == {ref: films[n % 1200].pk for n, ref in enumerate(refs)}
    assert len(few) == 3  # tmdb ids, imdb ids, titles
    assert len(many) == 3 + 2 + 2  # 1200 tmdb ids and imdb ids: 3 chunks each


# TMDB


@pytest.fixture
def fake_tmdb() -> Iterator[FakeTMDB]:
    with FakeTMDB(known_movies_only=True) as server:
        yield server


@pytest.fixture
def tmdb(fake_tmdb: FakeTMDB) -> Iterator[TMDBClient]:
    with fake_tmdb.client(max_retries=1) as client:
        yield client


def test_the_catalog_answers_before_tmdb(db, fake_tmdb: FakeTMDB, tmdb: TMDBClient) -> None:
    film = movie("Heat", 1995, tmdb_id=949, imdb_id="tt0113277")

    found = match_films(
        [FilmRef(tmdb_id=949), FilmRef(imdb_id="tt0113277"), FilmRef(title="Heat", year=1995)],
        client=tmdb,
    )

    assert set(found.values()) == {film.pk}
    assert fake_tmdb.requests == []


def test_a_tmdb_id_tmdb_knows_is_added_to_the_catalog(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    fake_tmdb.add_movie(949, title="Heat", imdb_id="tt0113277", release_date="1995-12-15")

    found = match_one(FilmRef(tmdb_id=949), tmdb)

    added = Movie.objects.get(pk=found)
    assert (added.tmdb_id, added.title, added.imdb_id, added.release_year) == (
        949, "Heat", "tt0113277", 1995,
    )  # fmt: skip
    assert added.details_synced_at is not None
    assert match_one(FilmRef(tmdb_id=949), tmdb) == found
    assert len(fake_tmdb.requests_to("/3/movie/949")) == 1


def test_a_tmdb_id_tmdb_does_not_know_is_not_found(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    movie("Gladiator", 2000)

    ref = FilmRef(tmdb_id=990_002_020, title="Gladiator", year=2000)
    assert match_one(ref, tmdb) == NOT_FOUND
    assert not Movie.objects.filter(tmdb_id=990_002_020).exists()
    assert fake_tmdb.requests_to("/3/search/movie") == []


def test_a_tmdb_id_tmdb_does_not_know_falls_back_to_the_imdb_id(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    """A stale TMDB id (TMDB answers 404): the IMDb id decides, the catalog's first."""
    se7en = movie("Se7en", 1995, tmdb_id=807, imdb_id="tt0114369")
    fake_tmdb.add_movie(949, title="Heat", imdb_id="tt0113277", release_date="1995-12-15")

    stale = [
        FilmRef(tmdb_id=990_807, imdb_id="tt0114369"),
        FilmRef(tmdb_id=990_949, imdb_id="tt0113277"),
    ]

    found = match_films(stale, client=tmdb)

    assert list(found.values()) == [se7en.pk, Movie.objects.get(tmdb_id=949).pk]
    assert not Movie.objects.filter(tmdb_id__in=[990_807, 990_949]).exists()


def test_an_imdb_id_tmdb_knows_is_added_with_it(db, fake_tmdb: FakeTMDB, tmdb: TMDBClient) -> None:
    fake_tmdb.add_movie(949, title="Heat", imdb_id="tt0113277", release_date="1995-12-15")

    found = match_one(FilmRef(imdb_id="tt0113277"), tmdb)

    added = Movie.objects.get(pk=found)
    assert (added.tmdb_id, added.title, added.imdb_id) == (949, "Heat", "tt0113277")
    assert match_one(FilmRef(imdb_id="tt0113277"), tmdb) == found  # the catalog knows it now
    assert len(fake_tmdb.requests_to("/3/find/tt0113277")) == 1
    assert match_one(FilmRef(imdb_id="tt9999999"), tmdb) == NOT_FOUND


def test_an_imdb_id_already_stored_without_it(db, fake_tmdb: FakeTMDB, tmdb: TMDBClient) -> None:
    """A movie a TMDB list added (no IMDb id yet) is the one /find names: no second row."""
    stored = movie("Heat", 1995, tmdb_id=949)
    fake_tmdb.add_movie(949, title="Heat", imdb_id="tt0113277", release_date="1995-12-15")

    assert match_one(FilmRef(imdb_id="tt0113277"), tmdb) == stored.pk
    stored.refresh_from_db()
    assert stored.imdb_id == "tt0113277"


def test_a_title_tmdb_knows_in_that_year_is_added(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    fake_tmdb.add_movie(949, title="Heat", release_date="1995-12-15")
    fake_tmdb.add_movie(990_949, title="Heat", release_date="1986-03-14")
    fake_tmdb.add_movie(990_950, title="Heat Wave", release_date="1995-01-01")

    found = match_one(FilmRef(title="Heat", year=1995), tmdb)

    assert Movie.objects.get(pk=found).tmdb_id == 949
    (search,) = fake_tmdb.requests_to("/3/search/movie")
    assert (search.query["query"], search.query["primary_release_year"]) == ("Heat", "1995")


def test_a_title_tmdb_knows_by_its_original_title(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    fake_tmdb.add_movie(
        194, title="Amélie", original_title="Le Fabuleux Destin d'Amélie Poulain",
        release_date="2001-04-25",
    )  # fmt: skip

    found = match_one(FilmRef(title="Fabuleux destin d'Amelie Poulain, Le", year=2001), tmdb)

    assert Movie.objects.get(pk=found).tmdb_id == 194
    (search,) = fake_tmdb.requests_to("/3/search/movie")
    assert search.query["query"] == "Le Fabuleux destin d'Amelie Poulain"


def test_tmdb_search_never_guesses(db, fake_tmdb: FakeTMDB, tmdb: TMDBClient) -> None:
    fake_tmdb.add_movie(990_001, title="Hamlet", release_date="1990-12-19")
    fake_tmdb.add_movie(990_002, title="Hamlet", release_date="1990-05-01")
    fake_tmdb.add_movie(990_003, title="Heat Wave", release_date="1995-01-01")

    found = match_films(
        [FilmRef(title="Hamlet", year=1990), FilmRef(title="Heat", year=1995),
         FilmRef(title="Glass Orchard", year=2023)],
        client=tmdb,
    )  # fmt: skip

    assert list(found.values()) == [AMBIGUOUS, NOT_FOUND, NOT_FOUND]
    assert not Movie.objects.exists()


def test_tmdb_in_the_exact_year_before_the_catalog_one_year_off(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    movie("Twins", 1988, tmdb_id=9493, dated=False)
    fake_tmdb.add_movie(990_123, title="Twins", release_date="1989-02-02")

    assert Movie.objects.get(pk=match_one(FilmRef(title="Twins", year=1989), tmdb)).tmdb_id == (
        990_123
    )
    assert match_one(FilmRef(title="Twins", year=1987), tmdb) == Movie.objects.get(tmdb_id=9493).pk


def test_a_429_is_honoured_and_what_matched_stays(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    """TMDB asks to wait: the client waited once (its retry), then the caller is told how long
    to wait before trying again; the films added before stay in the catalog."""
    fake_tmdb.add_movie(949, title="Heat", release_date="1995-12-15")
    fake_tmdb.add_movie(807, title="Se7en", release_date="1995-09-22")
    fake_tmdb.fail_next("/3/movie/807", status=429, retry_after=1, times=2)
    refs = [FilmRef(tmdb_id=949), FilmRef(tmdb_id=807)]

    with pytest.raises(TMDBRetryLater) as raised:
        match_films(sorted(refs, key=lambda r: r.tmdb_id or 0, reverse=True), client=tmdb)

    assert raised.value.retry_after == 1.0
    first, second = fake_tmdb.requests_to("/3/movie/807")
    assert second.time - first.time >= 0.99  # the client's retry waited as asked
    assert Movie.objects.filter(tmdb_id=949).exists()
    found = match_films(refs, client=tmdb)
    assert {Movie.objects.get(pk=pk).tmdb_id for pk in found.values()} == {949, 807}
    assert len(fake_tmdb.requests_to("/3/movie/949")) == 1


def test_a_429_asking_for_long_ends_the_matching_at_once(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient
) -> None:
    """Longer than the client's backoff_max: no call before the time TMDB asked for; the task
    retries after it."""
    fake_tmdb.fail_next("/3/search/movie", status=429, retry_after=90)

    with pytest.raises(TMDBRetryLater) as raised:
        match_one(FilmRef(title="Heat", year=1995), tmdb)

    assert raised.value.retry_after == 90.0
    assert len(fake_tmdb.requests) == 1


@pytest.mark.parametrize("status", [500, 401])
def test_tmdb_unavailable_is_retried_later(
    db, fake_tmdb: FakeTMDB, tmdb: TMDBClient, status: int
) -> None:
    fake_tmdb.fail_next("/3/search/movie", status=status, times=2)

    with pytest.raises(TMDBRetryLater) as raised:
        match_one(FilmRef(title="Heat", year=1995), tmdb)

    assert raised.value.retry_after is None


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
def test_tmdb_calls_spend_the_budget_every_worker_shares(db, fake_tmdb: FakeTMDB, settings) -> None:
    """The task's client (from the settings) counts its calls in Redis: a worker elsewhere
    finds the slots taken (3 per 7 seconds here)."""
    settings.TMDB = {
        **settings.TMDB, "API_KEY": fake_tmdb.api_key, "BASE_URL": fake_tmdb.base_url,
        "RATE_LIMIT_PER_SECOND": 3 / 7, "MAX_RETRIES": 0,
    }  # fmt: skip
    storage = settings.TMDB["RATE_LIMIT_STORAGE"]
    for tmdb_id in (1, 2, 3):
        fake_tmdb.add_movie(tmdb_id, title=f"Film {tmdb_id}", release_date="2000-01-01")

    with TMDBClient.from_settings() as client:
        found = match_films([FilmRef(tmdb_id=tmdb_id) for tmdb_id in (1, 2, 3)], client=client)

    assert storage.startswith("redis://")
    assert all(isinstance(pk, int) for pk in found.values())
    limiter = RateLimiter(3 / 7, storage_uri=storage, key=f"tmdb:{fake_tmdb.base_url}")
    elsewhere = MovingWindowRateLimiter(storage_from_string(storage))  # not this process's
    assert elsewhere.hit(limiter.item, limiter.key) is False
