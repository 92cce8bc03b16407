"""What each format's reader makes of files nobody here exported: the entries, by kind, and the
rows skipped, without the database (tests/imports/test_samples.py imports the real samples)."""

import io
import json
import zipfile
from collections import Counter
from decimal import Decimal

import pytest

from imports.files import Refused
from imports.formats import detect, read
from imports.services import limits

FILM = "Date,Name,Year,Letterboxd URI"
DIARY = f"{FILM},Rating,Rewatch,Tags,Watched Date"


def parse(data: bytes, name: str = "export", source: str | None = None):
    found = detect(data, file_name=name, limits=limits(), source=source)
    return read(data, source=found, file_name=name, limits=limits())


def zipped(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_letterboxd_diary_reviews_and_watched_make_one_play_each():
    data = zipped({
        "diary.csv": f"{DIARY}\n2020-01-02,Heat,1995,u,4,,,2020-01-01\n"
                     "2020-01-02,Heat,1995,u,4,,,2020-01-01\n2021-01-02,Heat,1995,u,5,Yes,,2021-01-01\n",
        "reviews.csv": f"{FILM},Rating,Rewatch,Review,Tags,Watched Date\n"
                       "2021-01-02,Heat,1995,u,5,Yes,\"Better, again.\",,2021-01-01\n"
                       "2022-03-04,Alien,1979,u,4,,Only a review.,,2022-03-03\n",
        "watched.csv": f"{FILM}\n2019-01-01,Heat,1995,u\n2019-01-01,Alien,1979,u\n"
                       "2019-01-01,Ran,1985,u\n",
        "ratings.csv": f"{FILM},Rating\n2020-01-02,Heat,1995,u,3.5\n2020-01-02,Ran,1985,u,\n",
    })  # fmt: skip

    parsed = parse(data)

    plays = sorted(
        (e.film.title, str(e.watched_on), e.rewatch, e.note)
        for e in parsed.entries
        if e.kind == "play"
    )
    assert plays == [
        ("Alien", "2022-03-03", False, "Only a review."),
        ("Heat", "2020-01-01", False, ""),
        ("Heat", "2020-01-01", False, ""),  # logged twice: the import counts it present
        ("Heat", "2021-01-01", True, "Better, again."),
        ("Ran", "None", False, ""),  # watched, never in the diary: one play without a day
    ]
    ratings = [(e.film.title, e.rating) for e in parsed.entries if e.kind == "rating"]
    assert ratings == [("Heat", Decimal("7.0"))]
    assert parsed.skipped == Counter({"in the diary": 3, "no rating": 1})
    assert parsed.read == len(parsed.entries) + sum(parsed.skipped.values())


@pytest.mark.parametrize(
    ("name", "header", "kind"),
    [("diary.csv", DIARY, "play"), ("whatever.csv", f"{FILM},Rating", "rating"),
     ("watchlist.csv", FILM, "watchlist"), ("my-watched.csv", FILM, "play"),
     ("films.csv", FILM, "favorite")],
)  # fmt: skip
def test_a_letterboxd_csv_alone_is_read_by_its_header_or_name(name, header, kind):
    cells = {"Date": "2020-01-01", "Name": "Heat", "Year": "1995", "Letterboxd URI": "u",
             "Rating": "4", "Rewatch": "", "Tags": "", "Watched Date": "2020-01-01"}  # fmt: skip
    row = ",".join(cells[column] for column in header.split(","))
    parsed = parse(f"{header}\n{row}\n".encode(), name)
    assert [e.kind for e in parsed.entries] == [kind]


def test_a_letterboxd_csv_of_films_with_no_telling_name_is_refused():
    with pytest.raises(Refused, match="upload the whole export ZIP"):
        parse(f"{FILM}\n2020-01-01,Heat,1995,u\n".encode(), "export.csv")


def test_imdb_columns_are_read_by_name_in_any_order():
    data = (
        b"Title,Year,Title Type,Date Rated,Your Rating,Const\n"
        b"Heat,1995,movie,2020-05-01,9,tt0113277\n"
        b"The Wire,2002,tvSeries,2020-05-01,10,tt0306414\n"
        b"Halo,2001,Video Game,2020-05-01,10,tt0280358\n"
    )

    parsed = parse(data, "ratings.csv")

    assert parsed.source == "imdb"
    assert [(e.film.imdb_id, e.rating) for e in parsed.entries] == [("tt0113277", Decimal("9"))]
    assert parsed.skipped == Counter({"tv": 1, "not a film": 1})


def test_a_tmdb_csv_named_watchlist_feeds_the_watchlist():
    data = (
        b"TMDb ID,IMDb ID,Type,Name,Release Date,Your Rating,Date Rated\n"
        b"949,,movie,Heat,1995-12-15,,\n"
    )
    parsed = parse(data, "tmdb-watchlist.csv")
    assert [(e.kind, e.film.tmdb_id, e.film.year) for e in parsed.entries] == [
        ("watchlist", 949, 1995)
    ]


def test_a_trakt_history_file_alone_makes_every_later_play_a_rewatch():
    movie = {"title": "Heat", "year": 1995, "ids": {"tmdb": 949, "imdb": "tt0113277"}}
    history = [
        {"watched_at": "2021-02-01T01:00:00.000Z", "type": "movie", "movie": movie},
        {"watched_at": "2020-01-01T23:30:00.000Z", "type": "movie", "movie": movie},
        {"watched_at": "2020-03-01T10:00:00.000Z", "type": "episode", "episode": {}},
    ]

    parsed = parse(json.dumps(history).encode(), "watched-history.json")

    plays = [(str(e.watched_on), e.rewatch) for e in parsed.entries]
    assert plays == [("2020-01-01", False), ("2021-02-01", True)]
    assert parsed.skipped == Counter({"tv": 1})


@pytest.mark.parametrize(
    "data",
    [b'[{"watched_at": "2020-01-01T00:00:00Z", "type": "movie"', "\xff\xfe[]".encode("latin-1")],
)
def test_a_trakt_file_that_is_not_json_is_refused(data):
    with pytest.raises(Refused):
        parse(data, "watched-history.json")


def test_rows_past_the_limit_are_refused_as_they_are_read(settings):
    settings.IMPORTS = {**settings.IMPORTS, "MAX_ROWS": 1000}
    many = f"{FILM}\n" + "2020-01-01,Heat,1995,u\n" * 1001
    history = [{"watched_at": "2020-01-01T00:00:00Z", "type": "episode"}] * 1001

    for data, name in ((many.encode(), "watched.csv"), (json.dumps(history).encode(), "w.json")):
        with pytest.raises(Refused, match="more than 1,000 rows"):
            parse(data, name)
