"""Exports as real users' files differ from the samples: line endings, byte-order marks, ZIPs
made on other systems or with their folder, quoting, scripts, empty and absent files, the
columns' variants of each service. Each is read as the worker reads it (``parse``) and, where
what is stored matters, imported through the API into an account with the demo catalog."""

import csv
import io
import json
import zipfile
from collections import Counter
from decimal import Decimal

import pytest

from favorites.models import FavoriteMovie
from history.models import Play
from imports.files import Refused
from imports.formats import detect, read
from imports.models import Import, Upload
from imports.services import limits
from ratings.models import Rating
from tests.conftest import client_for
from tests.imports.conftest import DATA, URL
from watchlist.models import WatchlistItem

BOM = "\ufeff"
FILM = "Date,Name,Year,Letterboxd URI"
DIARY = f"{FILM},Rating,Rewatch,Tags,Watched Date"
REVIEWS = f"{FILM},Rating,Rewatch,Review,Tags,Watched Date"
IMDB_RATINGS = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors"
)
IMDB_RATINGS_OLD = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors"
)
IMDB_LIST = (
    "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,"
    "IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors,Your Rating,"
    "Date Rated"
)
TMDB = (
    "TMDb ID,IMDb ID,Type,Name,Release Date,Season Number,Episode Number,Rating,Your Rating,"
    "Date Rated"
)
# Demo-catalog films: (tmdb id, IMDb id, title, year).
HEAT = (949, "tt0113277", "Heat", 1995)
TOY_STORY = (862, "tt0114709", "Toy Story", 1995)
CROUCHING_TIGER = (146, "tt0190332", "Crouching Tiger, Hidden Dragon", 2000)


def parse(data: bytes, name: str = "export", source: str | None = None):
    found = detect(data, file_name=name, limits=limits(), source=source)
    return read(data, source=found, file_name=name, limits=limits())


def zipped(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def kinds(parsed) -> Counter:
    return Counter(entry.kind for entry in parsed.entries)


def imported(client, upload, data: bytes, file_name: str, **fields: str) -> dict:
    """The import of ``data`` as the API runs it, once it ended."""
    response = upload(client, data, file_name=file_name, **fields)
    assert response.status_code == 202, response.json()
    return client.get(f"{URL}{response.json()['id']}/").json()


def plays_of(user) -> Counter:
    rows = Play.objects.filter(user=user).values_list("movie__tmdb_id", "watched_on", "rewatch")
    return Counter((tmdb_id, str(day) if day else None, rewatch) for tmdb_id, day, rewatch in rows)


def ratings_of(user) -> dict[int, Decimal]:
    return dict(Rating.objects.filter(user=user).values_list("movie__tmdb_id", "value"))


def watchlist_of(user) -> list[int]:
    return sorted(WatchlistItem.objects.filter(user=user).values_list("movie__tmdb_id", flat=True))


def favorites_of(user) -> list[int]:
    return sorted(FavoriteMovie.objects.filter(user=user).values_list("movie__tmdb_id", flat=True))


def balanced(counts: dict) -> bool:
    return counts["read"] == (
        counts["imported"]
        + counts["already_present"]
        + sum(counts["skipped"].values())
        + counts["unmatched"]
    )


def letterboxd_files(*, bom: bool = False, newline: str = "\n") -> dict[str, str]:
    """A small Letterboxd export of demo films, each file's text."""
    files = {
        "watched.csv": f"{FILM}\n2019-01-01,Heat,1995,https://boxd.it/a\n"
        '2019-01-01,"Crouching Tiger, Hidden Dragon",2000,https://boxd.it/b\n'
        "2019-01-01,Toy Story,1995,https://boxd.it/c\n",
        "diary.csv": f'{DIARY}\n2020-01-02,Heat,1995,https://boxd.it/d,4.5,,"cinema, 35mm",'
        "2020-01-01\n2021-01-02,Heat,1995,https://boxd.it/e,5,Yes,,2021-01-01\n",
        "reviews.csv": f"{REVIEWS}\n2021-01-02,Heat,1995,https://boxd.it/f,5,Yes,"
        '"Better, again.\nThe ""bank"" scene.",,2021-01-01\n',
        "ratings.csv": f"{FILM},Rating\n2021-01-02,Heat,1995,https://boxd.it/a,5\n"
        '2020-01-02,"Crouching Tiger, Hidden Dragon",2000,https://boxd.it/b,3.5\n',
        "watchlist.csv": f"{FILM}\n2022-01-01,Toy Story,1995,https://boxd.it/c\n",
        "likes/films.csv": f"{FILM}\n2022-01-01,Heat,1995,https://boxd.it/a\n",
    }
    if newline != "\n":
        files = {name: text.replace("\n", newline) for name, text in files.items()}
    if bom:
        files = {name: BOM + text for name, text in files.items()}
    return files


LETTERBOXD_PLAYS = Counter({
    (949, "2020-01-01", False): 1,
    (949, "2021-01-01", True): 1,
    (146, None, False): 1,  # watched, never logged: one play without a day
    (862, None, False): 1,
})  # fmt: skip


def assert_letterboxd_stored(user, job: dict) -> None:
    assert job["status"] == "done", job
    assert plays_of(user) == LETTERBOXD_PLAYS
    assert ratings_of(user) == {949: Decimal("10"), 146: Decimal("7")}
    assert watchlist_of(user) == [862]
    assert favorites_of(user) == [949]
    note = Play.objects.get(user=user, rewatch=True).note
    assert note == 'Better, again.\nThe "bank" scene.'
    assert job["counts"]["unmatched"] == 0
    assert balanced(job["counts"])


# Line endings, byte-order marks, ZIP layouts


@pytest.mark.parametrize(
    ("bom", "newline"), [(False, "\r\n"), (True, "\n"), (True, "\r\n")], ids=["crlf", "bom", "both"]
)
def test_a_letterboxd_zip_with_crlf_or_bom_imports_every_file(
    bom, newline, user, demo_catalog, upload
):
    data = zipped(letterboxd_files(bom=bom, newline=newline))

    job = imported(client_for(user), upload, data, "letterboxd.zip")

    assert_letterboxd_stored(user, job)


def test_a_zip_with_its_files_in_one_top_level_folder(user, demo_catalog, upload):
    files = letterboxd_files()
    data = zipped({f"letterboxd-someone-2026-12-01-09-00-utc/{n}": t for n, t in files.items()})

    assert_letterboxd_stored(user, imported(client_for(user), upload, data, "l.zip"))


def macos(files: dict[str, str | bytes], folder: str) -> bytes:
    """A ZIP as macOS's Finder makes it: each folder's own entry, ``.DS_Store`` files, and a
    ``__MACOSX/`` tree of ``._name`` AppleDouble resource forks (binary)."""
    fork = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02" + b"\x00" * 40
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        prefix = f"{folder}/" if folder else ""
        if folder:
            archive.writestr(zipfile.ZipInfo(prefix), b"")
        archive.writestr(f"{prefix}.DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 64)
        for name, text in files.items():
            archive.writestr(f"{prefix}{name}", text)
            parent, _, base = f"{prefix}{name}".rpartition("/")
            archive.writestr(f"__MACOSX/{parent + '/' if parent else ''}._{base}", fork)
    return out.getvalue()


@pytest.mark.parametrize("folder", ["letterboxd-someone-2026-12-01-09-00-utc", ""])
def test_a_letterboxd_zip_made_on_macos(folder, user, demo_catalog, upload):
    data = macos(letterboxd_files(), folder)

    assert_letterboxd_stored(user, imported(client_for(user), upload, data, "l.zip"))


def test_a_trakt_zip_made_on_macos(user, demo_catalog, upload):
    movie = {"title": "Heat", "year": 1995, "ids": {"trakt": 1, "tmdb": 949}}
    history = [{"id": 1, "watched_at": "2020-01-01T20:00:00.000Z", "action": "watch",
                "type": "movie", "movie": movie}]  # fmt: skip
    data = macos({"watched-history.json": json.dumps(history)}, "trakt-someone")

    job = imported(client_for(user), upload, data, "trakt.zip")

    assert job["status"] == "done", job
    assert plays_of(user) == Counter({(949, "2020-01-01", False): 1})


def test_a_letterboxd_zip_reads_only_its_own_files(user, demo_catalog, upload):
    """deleted/ and orphaned/ copies of the diary and ratings, custom lists, likes and empty
    files (a header alone, or no byte at all); the files absent are simply absent."""
    toy_story_rated = f"{FILM},Rating\n2020-01-01,Toy Story,1995,https://boxd.it/x,5\n"
    toy_story_logged = f"{DIARY}\n2020-01-01,Toy Story,1995,https://boxd.it/y,5,,,2019-12-31\n"
    data = zipped({
        "watched.csv": f"{FILM}\n2019-01-01,Heat,1995,https://boxd.it/a\n",
        "diary.csv": f"{DIARY}\n",  # a header alone
        "reviews.csv": "",  # no byte at all
        "likes/films.csv": f"{FILM}\n2022-01-01,Heat,1995,https://boxd.it/a\n",
        "lists/best-of.csv": "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n"
                             "2024-01-01,Best,,https://boxd.it/l,\n\nPosition,Name,Year,URL,"
                             "Description\n1,Toy Story,1995,https://boxd.it/c,\n",
        "deleted/diary.csv": toy_story_logged,
        "deleted/ratings.csv": toy_story_rated,
        "orphaned/diary.csv": toy_story_logged,
        "orphaned/ratings.csv": toy_story_rated,
        "likes/reviews.csv": f"{FILM}\n",
        "comments.csv": "",
        "profile.csv": "Date Joined,Username,Email Address\n2018-01-01,someone,a@example.org\n",
    })  # fmt: skip

    job = imported(client_for(user), upload, data, "l.zip")

    assert job["status"] == "done", job
    assert plays_of(user) == Counter({(949, None, False): 1})
    assert not Rating.objects.filter(user=user).exists()
    assert not WatchlistItem.objects.filter(user=user).exists()
    assert favorites_of(user) == [949]
    assert job["counts"]["read"] == 2


@pytest.mark.parametrize(
    ("name", "header"),
    [("ratings.csv", f"{FILM},Rating"), ("diary.csv", DIARY), ("reviews.csv", REVIEWS),
     ("watchlist.csv", FILM), ("likes/films.csv", FILM)],
)  # fmt: skip
def test_an_export_whose_every_file_is_a_header_alone_reads_nothing(name, header):
    parsed = parse(zipped({"watched.csv": f"{BOM}{FILM}\r\n", name: f"{BOM}{header}\r\n"}))

    assert parsed.entries == [] and parsed.read == 0


# Titles, reviews and tags


def test_quoted_titles_and_fields_survive_commas_quotes_newlines_and_scripts():
    titles = [
        "Crouching Tiger, Hidden Dragon",
        'The "Burbs"',
        "Line one\nline two",
        "Amélie",
        "千と千尋の神隠し",
        "Иди и смотри",
        "الرسالة",
    ]
    rows = "".join(
        '2020-01-02,"{}",2001,https://boxd.it/x,3,,"a, b ""c""",2020-01-01\n'.format(
            title.replace('"', '""')
        )
        for title in titles
    )
    text = f"{DIARY}\n{rows}"

    for data in (text.encode(), crlf(text).encode()):
        parsed = parse(data, "diary.csv")

        got = [entry.film.title.replace("\r\n", "\n") for entry in parsed.entries]
        assert got == titles
        assert {entry.watched_on.isoformat() for entry in parsed.entries} == {"2020-01-01"}


def test_a_review_with_newlines_and_quotes_is_the_plays_note(user, demo_catalog, upload):
    review = 'First line, with a comma.\n\n"Quoted," she said — ""not"" really.\nÉlan: 10/10'
    quoted = review.replace('"', '""')
    data = (
        f"{BOM}{REVIEWS}\r\n"
        f'2020-01-02,Heat,1995,https://boxd.it/r,4,,"{quoted}","tag one, tag two",2020-01-01\r\n'
    ).encode()

    job = imported(client_for(user), upload, data, "reviews.csv")

    assert job["status"] == "done", job
    assert job["source"] == "letterboxd"
    (play,) = Play.objects.filter(user=user)
    assert (play.movie.tmdb_id, str(play.watched_on), play.rewatch) == (949, "2020-01-01", False)
    assert play.note == review


def test_a_review_longer_than_a_note_is_cut_to_one():
    data = f'{REVIEWS}\n2020-01-02,Heat,1995,u,4,,"{"é" * 1500}",,2020-01-01\n'.encode()

    (entry,) = parse(data, "reviews.csv").entries

    assert entry.note == "é" * 1000


# Letterboxd's values


def test_letterboxd_ratings_are_half_stars_times_two_and_empty_is_no_rating():
    data = (
        f"{FILM},Rating\n2020-01-01,Heat,1995,u,4.5\n2020-01-01,Toy Story,1995,u,5\n"
        "2020-01-01,Alien,1979,u,0.5\n2020-01-01,Ran,1985,u,\n2020-01-01,Big,1988,u,great\n"
    ).encode()

    parsed = parse(data, "ratings.csv")

    assert [(e.film.title, e.rating) for e in parsed.entries] == [
        ("Heat", Decimal("9.0")), ("Toy Story", Decimal("10")), ("Alien", Decimal("1.0"))
    ]  # fmt: skip
    assert parsed.skipped == Counter({"no rating": 1, "invalid row": 1})


def test_letterboxd_rewatch_is_yes_or_empty_and_an_empty_watched_date_falls_back_to_date():
    """``letterboxd._diary``'s rule: a diary entry without its ``Watched Date`` is a play of
    the day it was logged (``Date``); with neither, an invalid row."""
    data = (
        f"{DIARY}\n2020-01-02,Heat,1995,u,4,Yes,,2020-01-01\n2020-02-02,Heat,1995,u,4,,,\n"
        "2020-03-03,Heat,1995,u,4,yes,,2020-03-01\n,Heat,1995,u,4,,,\n"
    ).encode()

    parsed = parse(data, "diary.csv")

    assert [(str(e.watched_on), e.rewatch) for e in parsed.entries] == [
        ("2020-01-01", True), ("2020-02-02", False), ("2020-03-01", True)
    ]  # fmt: skip
    assert parsed.skipped == Counter({"invalid row": 1})


def test_letterboxd_years_may_be_empty():
    data = f"{FILM}\n2020-01-01,Heat,,u\n2020-01-01,Toy Story,1995,u\n".encode()

    parsed = parse(data, "watchlist.csv")

    assert [(e.film.title, e.film.year) for e in parsed.entries] == [
        ("Heat", None), ("Toy Story", 1995)
    ]  # fmt: skip


def test_a_letterboxd_film_of_no_year_imports_when_its_title_is_one_films(
    user, demo_catalog, upload
):
    data = f"{FILM}\n2020-01-01,Crouching Tiger Hidden Dragon,,u\n".encode()

    job = imported(client_for(user), upload, data, "watchlist.csv")

    assert job["status"] == "done", job
    assert watchlist_of(user) == [146]


# IMDb


def imdb_row(header: str, **cells: str) -> str:
    """A row of ``header``'s columns: ``cells`` by column name, spaces as underscores."""
    return ",".join(cells.get(name.replace(" ", "_"), "") for name in header.split(","))


def imdb_rating(const: str, title_type: str = "Movie", header: str = IMDB_RATINGS) -> str:
    """A row of Heat (1995) rated 9, with that ``Const`` and ``Title Type``."""
    return imdb_row(header, Const=const, Your_Rating="9", Date_Rated="2020-05-01", Title="Heat",
                    Title_Type=title_type, Year="1995")  # fmt: skip


@pytest.mark.parametrize("header", [IMDB_RATINGS, IMDB_RATINGS_OLD])
def test_both_imdb_ratings_headers_with_bom_and_crlf(header, user, demo_catalog, upload):
    rows = [
        imdb_row(header, Const="tt0113277", Your_Rating="9", Date_Rated="2020-05-01",
                 Title="Heat", Title_Type="Movie", Year="1995"),
        imdb_row(header, Const="tt0114709", Your_Rating="7", Date_Rated="2020-05-02",
                 Title="Toy Story", Title_Type="tvMovie", Year="1995"),
        imdb_row(header, Const="tt0306414", Your_Rating="10", Date_Rated="2020-05-03",
                 Title="The Wire", Title_Type="TV Series", Year="2002"),
    ]  # fmt: skip
    data = (BOM + crlf("\n".join([header, *rows]) + "\n")).encode()

    job = imported(client_for(user), upload, data, "ratings.csv")

    assert job["status"] == "done", job
    assert job["source"] == "imdb"
    assert ratings_of(user) == {949: Decimal("9"), 862: Decimal("7")}
    assert job["counts"]["skipped"] == {"tv": 1}


def test_an_imdb_list_with_shuffled_columns_feeds_the_watchlist(user, demo_catalog, upload):
    header = ",".join(reversed(IMDB_LIST.split(",")))
    rows = [
        imdb_row(header, Position="1", Const="tt0113277", Title="Heat", Title_Type="Movie",
                 Year="1995"),
        imdb_row(header, Position="2", Const="tt0114709", Title="Toy Story",
                 Title_Type="TV Movie", Your_Rating="8", Year="1995"),
        imdb_row(header, Position="3", Const="tt0306414", Title="The Wire", Title_Type="tvSeries",
                 Year="2002"),
        imdb_row(header, Position="4", Const="tt0903747", Title="Pilot", Title_Type="TV Episode",
                 Year="2008"),
    ]  # fmt: skip
    data = ("\n".join([header, *rows]) + "\n").encode()

    job = imported(client_for(user), upload, data, "WATCHLIST.csv")

    assert job["status"] == "done", job
    assert watchlist_of(user) == [862, 949]
    assert not Rating.objects.filter(user=user).exists()
    assert job["counts"]["skipped"] == {"tv": 2}


@pytest.mark.parametrize(
    ("title_type", "film"),
    [("Movie", True), ("movie", True), ("TV Movie", True), ("tvMovie", True), ("Video", True),
     ("video", True), ("TV Special", True), ("tvSpecial", True), ("Short", True),
     ("short", True), ("TV Short", True), ("tvShort", True), ("TV Series", False),
     ("tvSeries", False), ("TV Mini Series", False), ("tvMiniSeries", False),
     ("TV Episode", False), ("tvEpisode", False), ("Video Game", False),
     ("videoGame", False), ("Podcast Series", False), ("Music Video", False)],
)  # fmt: skip
def test_imdb_title_types_in_both_casings(title_type, film):
    row = imdb_rating("tt0113277", title_type)

    parsed = parse(f"{IMDB_RATINGS}\n{row}\n".encode(), "ratings.csv")

    assert len(parsed.entries) == (1 if film else 0)
    assert parsed.read == 1


@pytest.mark.parametrize(
    ("const", "valid"),
    [("tt0113277", True), ("tt12345678", True), ("tt123", False), ("tt", False),
     ("nm0000123", False), ("0113277", False), ("tt011327x", False), ("", False),
     ("tt\u0661\u0662\u0663\u0664\u0665\u0666\u0667", False),  # Arabic-Indic digits
     ("tt00000000000000000000113277", False)],
)  # fmt: skip
def test_an_imdb_const_is_tt_and_7_or_8_digits_else_the_row_is_invalid(const, valid):
    """A malformed id is never read as another ("tt123" is not tt0000123's film)."""
    parsed = parse(f"{IMDB_RATINGS}\n{imdb_rating(const)}\n".encode(), "ratings.csv")

    assert [e.film.imdb_id for e in parsed.entries] == ([const] if valid else [])
    assert parsed.skipped == (Counter() if valid else Counter({"invalid row": 1}))


def test_an_eight_digit_imdb_id_nobody_knows_is_reported_unmatched(user, demo_catalog, upload):
    data = f"{IMDB_RATINGS}\n{imdb_rating('tt98765432')}\n".encode()

    job = imported(client_for(user), upload, data, "ratings.csv")

    assert job["status"] == "done", job
    assert [miss["id_given"] for miss in job["unmatched"]] == ["tt98765432"]
    assert not Rating.objects.filter(user=user).exists()  # never matched by its title


def test_an_imdb_list_may_leave_your_rating_empty_and_lack_date_rated():
    header = IMDB_LIST.removesuffix(",Date Rated")
    row = imdb_row(header, Position="1", Const="tt0113277", Title="Heat", Year="1995",
                   Title_Type="Movie")  # fmt: skip

    parsed = parse(f"{header}\n{row}\n".encode(), "list.csv")

    assert [(e.kind, e.film.imdb_id) for e in parsed.entries] == [("watchlist", "tt0113277")]


# Trakt


def trakt_movie(tmdb: int | None, imdb: str | None, title: str = "Heat", year: int = 1995):
    return {"title": title, "year": year,
            "ids": {"trakt": 1, "slug": "x", "imdb": imdb, "tmdb": tmdb}}  # fmt: skip


def play(at: str, movie: dict, *, action: str = "watch", kind: str = "movie", id_: int = 1):
    item = {"id": id_, "watched_at": at, "action": action, "type": kind}
    if kind == "movie":
        item["movie"] = movie
    else:
        item["episode"] = {"season": 1, "number": 1, "title": "Pilot", "ids": {"tmdb": 62085}}
        item["show"] = {"title": "Breaking Bad", "year": 2008, "ids": {"tmdb": 1396}}
    return item


def test_trakt_split_history_orders_plays_by_time_not_by_file(user, demo_catalog, upload):
    """The later file holds the earlier plays: the first play of each movie, by
    ``watched_at`` across every file, is the one that is not a rewatch."""
    heat = trakt_movie(949, "tt0113277")
    toy_story = trakt_movie(None, "tt0114709", "Toy Story")  # ids.tmdb null: IMDb's id decides
    first = [
        play("2023-05-01T21:00:00.000Z", heat, action="scrobble", id_=5),
        play("2023-06-01T21:00:00.000Z", toy_story, action="checkin", id_=6),
        play("2023-06-02T21:00:00.000Z", {}, kind="episode", id_=7),
    ]
    second = [
        play("2021-01-01T23:59:59.000Z", heat, id_=1),
        play("2022-02-02T00:00:01.000Z", toy_story, id_=2),
        play("2022-02-03T10:00:00.000Z", heat, id_=3),
    ]
    profile = {"user": {"username": "someone", "name": "Some One", "location": "Lyon",
                        "email": "someone@example.org"}}  # fmt: skip
    data = zipped({
        "watched-history-1.json": json.dumps(first),
        "watched-history-2.json": json.dumps(second),
        "ratings-shows.json": json.dumps([{"rated_at": "2020-01-01T00:00:00.000Z", "rating": 9,
                                           "type": "show", "show": {"title": "Breaking Bad"}}]),
        "ratings-episodes.json": "[]",
        "user-profile.json": json.dumps(profile),
        "user-settings.json": json.dumps({"account": {"timezone": "Europe/Paris"}, **profile}),
    })  # fmt: skip

    job = imported(client_for(user), upload, data, "trakt.zip")

    assert job["status"] == "done", job
    assert plays_of(user) == Counter({
        (949, "2021-01-01", False): 1, (949, "2022-02-03", True): 1, (949, "2023-05-01", True): 1,
        (862, "2022-02-02", False): 1, (862, "2023-06-01", True): 1,
    })  # fmt: skip
    assert job["counts"]["skipped"] == {"tv": 2}
    assert balanced(job["counts"])
    stored = json.dumps(list(Import.objects.values()), default=str)
    assert "someone" not in stored and "Lyon" not in stored and "example.org" not in stored
    assert not Upload.objects.exists()


def test_trakt_ratings_and_lists_with_an_imdb_id_alone(user, demo_catalog, upload):
    data = zipped({
        "ratings-movies.json": json.dumps([
            {"rated_at": "2020-01-01T10:00:00.000Z", "rating": 8, "type": "movie",
             "movie": trakt_movie(None, "tt0113277")},
            {"rated_at": "2020-01-01T10:00:00.000Z", "rating": 10, "type": "movie",
             "movie": {"title": "Toy Story", "year": 1995, "ids": {"imdb": "tt0114709"}}},
        ]),
        "lists-watchlist.json": json.dumps([
            {"rank": 1, "id": 1, "listed_at": "2020-01-01T10:00:00.000Z", "notes": None,
             "type": "movie", "movie": trakt_movie(146, None, "Crouching Tiger", 2000)},
            {"rank": 2, "id": 2, "listed_at": "2020-01-01T10:00:00.000Z", "notes": None,
             "type": "show", "show": {"title": "Breaking Bad", "ids": {"tmdb": 1396}}},
        ]),
        "lists-favorites.json": "[]",
    })  # fmt: skip

    job = imported(client_for(user), upload, data, "trakt.zip")

    assert job["status"] == "done", job
    assert ratings_of(user) == {949: Decimal("8"), 862: Decimal("10")}
    assert watchlist_of(user) == [146]
    assert job["counts"]["skipped"] == {"tv": 1}


# TMDB


def test_tmdb_ratings_with_halves_tens_tv_rows_and_z_times(user, demo_catalog, upload):
    data = (
        f"{BOM}{TMDB}\r\n"
        "949,tt0113277,movie,Heat,1995-12-15,,,7.7,7.5,2023-05-02T09:29:50Z\r\n"
        "862,,movie,Toy Story,1995-10-30,,,7.9,10,2023-05-03T09:29:50Z\r\n"
        "1396,,tv,Breaking Bad,2008-01-20,,,8.9,10,2023-05-04T09:29:50Z\r\n"
        "1396,,tv,Breaking Bad,2008-01-20,1,1,8.9,9,2023-05-04T09:29:50Z\r\n"
    ).encode()

    job = imported(client_for(user), upload, data, "tmdb-ratings.csv")

    assert job["status"] == "done", job
    assert ratings_of(user) == {949: Decimal("7.5"), 862: Decimal("10")}
    assert job["counts"]["skipped"] == {"tv": 2}
    rated_at = Rating.objects.get(user=user, movie__tmdb_id=949).rated_at
    assert rated_at.isoformat() == "2023-05-02T09:29:50+00:00"


def test_a_tmdb_watchlist_feeds_the_watchlist(user, demo_catalog, upload):
    data = (
        f"{TMDB}\n949,tt0113277,movie,Heat,1995-12-15,,,7.7,,\n"
        "1396,,tv,Breaking Bad,2008-01-20,,,8.9,,\n"
    ).encode()

    job = imported(client_for(user), upload, data, "tmdb-watchlist.csv")

    assert job["status"] == "done", job
    assert watchlist_of(user) == [949]
    assert job["counts"]["skipped"] == {"tv": 1}


# One file rather than the ZIP, and the source named


@pytest.mark.parametrize(
    ("name", "kind"),
    [("diary.csv", "play"), ("reviews.csv", "play"), ("ratings.csv", "rating"),
     ("watched.csv", "play"), ("watchlist.csv", "watchlist"), ("likes/films.csv", "favorite")],
)  # fmt: skip
def test_each_letterboxd_csv_uploaded_alone(name, kind):
    text = letterboxd_files(bom=True, newline="\r\n")[name]

    parsed = parse(text.encode(), name.rsplit("/", 1)[-1], source="letterboxd")

    assert set(kinds(parsed)) == {kind}


@pytest.mark.parametrize(
    ("name", "kind"),
    [("watched-history-2.json", "play"), ("ratings-movies.json", "rating"),
     ("lists-watchlist.json", "watchlist"), ("lists-favorites.json", "favorite")],
)  # fmt: skip
def test_each_trakt_file_uploaded_alone(name, kind):
    with zipfile.ZipFile(DATA / "trakt-export.zip") as archive:
        data = archive.read(name)

    parsed = parse(data, name, source="trakt")

    assert set(kinds(parsed)) == {kind}


@pytest.mark.parametrize(
    ("sample", "source"),
    [("letterboxd-export.zip", "trakt"), ("trakt-export.zip", "letterboxd"),
     ("imdb-ratings.csv", "tmdb"), ("tmdb-ratings.csv", "imdb"),
     ("imdb-WATCHLIST.csv", "letterboxd"), ("tmdb-ratings.csv", "trakt")],
)  # fmt: skip
def test_the_source_named_for_another_services_file_is_a_400_and_stores_nothing(
    sample, source, auth_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(sample, (DATA / sample).read_bytes())
    response = auth_client.post(URL, {"file": file, "source": source}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["source"]
    assert not Import.objects.exists() and not Upload.objects.exists()


def test_a_trakt_json_file_named_as_another_source_is_a_400(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with zipfile.ZipFile(DATA / "trakt-export.zip") as archive:
        data = archive.read("ratings-movies.json")
    file = SimpleUploadedFile("ratings-movies.json", data)

    response = auth_client.post(URL, {"file": file, "source": "imdb"}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["source"]
    assert not Import.objects.exists()


def test_detection_reads_the_header_of_a_file_with_a_bom_and_crlf():
    for sample, source in (("imdb-ratings.csv", "imdb"), ("tmdb-ratings.csv", "tmdb")):
        text = (DATA / sample).read_text(encoding="utf-8-sig")
        data = (BOM + crlf(text)).encode()
        assert detect(data, file_name="x.csv", limits=limits()) == source


def test_a_refused_file_says_why():
    with pytest.raises(Refused):
        parse(b"Title,Year\nHeat,1995\n", "x.csv")


def test_an_imdb_file_quoting_every_cell_is_read(user, demo_catalog, upload):
    """IMDb's older exports quote every cell, the header's too."""

    def quoted(line: str) -> str:
        return ",".join(f'"{cell}"' for cell in line.split(","))

    row = imdb_rating("tt0113277", "movie", IMDB_RATINGS_OLD)
    data = crlf(f"{quoted(IMDB_RATINGS_OLD)}\n{quoted(row)}\n").encode()

    job = imported(client_for(user), upload, data, "ratings.csv")

    assert job["status"] == "done", job
    assert ratings_of(user) == {949: Decimal("9")}


def test_a_letterboxd_csv_of_films_with_no_telling_name_is_a_400_at_upload(auth_client):
    """Which file it is cannot be told: known at once, so refused at once (nothing queued
    to fail later)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("export.csv", f"{FILM}\n2020-01-01,Heat,1995,u\n".encode())
    response = auth_client.post(URL, {"file": file}, format="multipart")

    assert response.status_code == 400
    assert "upload the whole export ZIP" in response.json()["file"][0]
    assert not Import.objects.exists()


def test_a_trakt_zip_in_a_top_level_folder(user, demo_catalog, upload):
    history = [play("2020-01-01T20:00:00.000Z", trakt_movie(949, "tt0113277"))]
    data = zipped({"trakt-someone-2026/watched-history.json": json.dumps(history),
                   "trakt-someone-2026/user-profile.json": "{}"})  # fmt: skip

    job = imported(client_for(user), upload, data, "trakt.zip")

    assert job["status"] == "done", job
    assert plays_of(user) == Counter({(949, "2020-01-01", False): 1})


def test_titles_with_accents_and_other_scripts_match_or_are_reported_as_written(
    user, demo_catalog, upload
):
    """As Letterboxd writes them (accents, decomposed accents from a Mac, half signs, the
    catalog's original title in parentheses); a film of a non-Latin title the catalog does
    not have is reported by its name, unchanged."""
    rows = [
        ("Amélie", 2001, 194),
        ("Y Tu Mamá También", 2001, 1391),
        ("Prêt-à-Porter", 1994, 3586),
        ("8½", 1963, 422),
        ("Les Misérables", 1998, 4415),
        ("De\u0301ja\u0300 Vu", 1998, 161795),
        ("Rashomon", 1950, 548),
        ("千と千尋の神隠し", 2001, None),
        ("Иди и смотри", 1985, None),
    ]
    text = f"{BOM}{FILM}\r\n" + "".join(
        f'2020-01-01,"{name}",{year},https://boxd.it/x\r\n' for name, year, _ in rows
    )

    job = imported(client_for(user), upload, text.encode(), "watchlist.csv")

    assert job["status"] == "done", job
    watchlist = WatchlistItem.objects.filter(user=user).values_list("movie__tmdb_id", flat=True)
    assert sorted(watchlist) == sorted(tmdb_id for _, _, tmdb_id in rows if tmdb_id)
    assert {(miss["name"], miss["year"]) for miss in job["unmatched"]} == {
        (name, year) for name, year, tmdb_id in rows if tmdb_id is None
    }


def test_a_remake_watched_is_not_the_film_of_the_same_name_logged():
    data = zipped({
        "watched.csv": f"{FILM}\n2019-01-01,Gladiator,1992,u\n2019-01-01,Gladiator,2000,u\n",
        "diary.csv": f"{DIARY}\n2020-01-02,Gladiator,2000,u,4,,,2020-01-01\n",
    })  # fmt: skip

    parsed = parse(data)

    plays = sorted((e.film.year, str(e.watched_on)) for e in parsed.entries)
    assert plays == [(1992, "None"), (2000, "2020-01-01")]


def entries_of(data: bytes, name: str) -> list:
    parsed = parse(data, name)
    return [(e.kind, e.film, e.rating, e.rated_at, e.watched_on, e.rewatch, e.note)
            for e in parsed.entries]  # fmt: skip


def rewritten(data: bytes, newline: str, bom: bool) -> bytes:
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\n", newline)
    return ((BOM if bom else "") + text).encode()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("bom", [False, True], ids=["", "bom"])
@pytest.mark.parametrize(
    "sample", ["imdb-ratings.csv", "imdb-ratings-2020.csv", "imdb-WATCHLIST.csv",
               "tmdb-ratings.csv", "letterboxd-export.zip"],
)  # fmt: skip
def test_line_endings_and_a_bom_change_nothing_in_any_sample(sample, bom, newline):
    data = (DATA / sample).read_bytes()
    if sample.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {i.filename: rewritten(archive.read(i), newline, bom)
                     for i in archive.infolist() if i.filename.endswith(".csv")}  # fmt: skip
        variant = zipped(dict(files))
    else:
        variant = rewritten(data, newline, bom)

    assert entries_of(variant, sample) == entries_of(data, sample)


def columns_reversed(data: bytes) -> bytes:
    """The CSV's columns in the opposite order (quoted as needed), its BOM kept."""
    text = data.decode("utf-8-sig")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(list(reversed(row)))
    return (BOM if data.startswith(BOM.encode()) else "").encode() + out.getvalue().encode()


@pytest.mark.parametrize(
    "sample", ["imdb-ratings.csv", "imdb-ratings-2020.csv", "imdb-WATCHLIST.csv",
               "tmdb-ratings.csv", "letterboxd-export.zip"],
)  # fmt: skip
def test_columns_in_another_order_change_nothing_in_any_sample(sample):
    data = (DATA / sample).read_bytes()
    if sample.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files: dict[str, str | bytes] = {
                i.filename: columns_reversed(archive.read(i))
                for i in archive.infolist()
                if i.filename.endswith(".csv") and "/lists/" not in i.filename
            }
        variant = zipped(files)
    else:
        variant = columns_reversed(data)

    assert entries_of(variant, sample) == entries_of(data, sample)


@pytest.mark.parametrize(
    "prefix", ["./", "letterboxd-someone/", "./letterboxd-someone/", "letterboxd-someone\\"]
)
def test_member_paths_as_other_zip_tools_write_them(prefix):
    """A leading "./" (some tools zip the folder they run in so), Windows' backslashes."""
    files = letterboxd_files()
    data = zipped({f"{prefix}{name.replace('/', prefix[-1])}": t for name, t in files.items()})

    assert entries_of(data, "l.zip") == entries_of(zipped(dict(files)), "l.zip")


def test_a_letterboxd_file_alone_then_the_whole_zip_adds_only_what_the_file_lacked(
    user, demo_catalog, upload
):
    files = letterboxd_files(bom=True, newline="\r\n")
    client = client_for(user)

    diary = imported(client, upload, files["diary.csv"].encode(), "diary.csv")
    whole = imported(client, upload, zipped(dict(files)), "letterboxd.zip")

    assert diary["status"] == whole["status"] == "done"
    assert diary["counts"]["imported"] == 2
    assert whole["counts"]["already_present"] == 2
    assert plays_of(user) == LETTERBOXD_PLAYS
    assert ratings_of(user) == {949: Decimal("10"), 146: Decimal("7")}
    assert (watchlist_of(user), favorites_of(user)) == ([862], [949])
    # A play already present is left as it is (history.services.plays_import): the review
    # the diary alone did not have is not added to it.


def test_a_trakt_file_is_read_as_its_name_says_whatever_its_first_item():
    """A rating without its ``rated_at`` first, a ``null`` item first in the history: still
    a rating and a play (they were read as watchlist entries, the kind told by the first
    item alone)."""
    heat = trakt_movie(949, "tt0113277")
    data = zipped({
        "ratings-movies.json": json.dumps([{"rating": 8, "type": "movie", "movie": heat}]),
        "watched-history-1.json": json.dumps([None, play("2020-01-01T20:00:00.000Z", heat)]),
    })  # fmt: skip

    parsed = parse(data)

    assert sorted((e.kind, str(e.watched_on), e.rating) for e in parsed.entries) == [
        ("play", "2020-01-01", None), ("rating", "None", Decimal("8"))
    ]  # fmt: skip
    assert parsed.skipped == Counter({"invalid row": 1})


def test_out_of_range_numbers_and_times_are_invalid_rows_not_a_failed_import(
    user, demo_catalog, upload
):
    """A rating of 1e999999999 stars (doubled, it overflowed Decimal's context) and a time
    whose UTC day is out of Python's range (year 0): the import ends ``done`` with those rows
    invalid, where it failed on an unexpected error."""
    client = client_for(user)
    ratings = (
        f"{FILM},Rating\n2020-01-01,Heat,1995,u,1e999999999\n2020-01-01,Toy Story,1995,u,4\n"
    ).encode()
    heat = trakt_movie(949, "tt0113277")
    history = [
        play("0001-01-01T00:30:00+01:00", heat, id_=1),
        play("2020-01-01T20:00:00.000Z", trakt_movie(862, "tt0114709"), id_=2),
    ]

    letterboxd = imported(client, upload, ratings, "ratings.csv")
    trakt = imported(client, upload, zipped({"watched-history.json": json.dumps(history)}), "t.zip")

    assert letterboxd["status"] == trakt["status"] == "done", (letterboxd, trakt)
    assert letterboxd["counts"]["skipped"] == trakt["counts"]["skipped"] == {"invalid row": 1}
    assert ratings_of(user) == {862: Decimal("8")}
    assert plays_of(user) == Counter({(862, "2020-01-01", False): 1})


def test_a_lone_surrogate_escaped_in_trakt_json_is_never_stored(user, demo_catalog, upload):
    """JSON may escape half a UTF-16 pair ("\\ud800"), which no UTF-8 text holds: PostgreSQL
    refuses it in text and jsonb. The title of a film that matches nothing is reported back
    without it."""
    movie = {"title": "Half\ud800Pair", "year": 2001, "ids": {"tmdb": 999999999}}
    history = [
        play("2020-01-01T00:00:00Z", movie),
        play("2020-01-01T00:00:00Z", trakt_movie(949, None)),
    ]
    data = json.dumps(history).encode()
    assert b"\\ud800" in data

    job = imported(client_for(user), upload, data, "watched-history.json")

    assert job["status"] == "done", job
    assert [miss["name"] for miss in job["unmatched"]] == ["HalfPair"]
    assert plays_of(user) == Counter({(949, "2020-01-01", False): 1})
