"""The sample exports (tests/imports/data, README.md there) against the demo catalog, without
TMDB (`make run`): every film of TRUTH.json is matched to its TMDB id, row by row where a row
says more (a rating, a date), and the invented films are reported unmatched, never matched to
something else. The files are read here only as far as matching needs (the film each row names
and what TRUTH checks it against); reading the formats is the imports app's job."""

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog.models import Genre, Movie
from catalog.services import demo_catalog_load
from imports.matching import FilmRef, Unmatched, match_films

DATA = Path(__file__).parent / "data"
TRUTH = json.loads((DATA / "TRUTH.json").read_text(encoding="utf-8"))
FILM_TYPES = {"movie", "tv movie", "video", "tv special", "short", "tvmovie"}


@pytest.fixture(scope="module")
def demo_catalog(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo catalog, loaded once for the module, committed, then removed."""
    with django_db_blocker.unblock():
        demo_catalog_load()
        yield
        Movie.objects.all().delete()
        Genre.objects.all().delete()


def tmdb_ids(found: dict[FilmRef, int | Unmatched]) -> dict[FilmRef, int | Unmatched]:
    """``found`` with each Movie pk replaced by its TMDB id."""
    pks = [value for value in found.values() if isinstance(value, int)]
    by_pk = dict(Movie.objects.filter(pk__in=pks).values_list("pk", "tmdb_id"))
    return {ref: by_pk[value] if isinstance(value, int) else value for ref, value in found.items()}


def matched(rows: list[tuple[FilmRef, Any]]) -> tuple[dict[FilmRef, int | Unmatched], list]:
    """Each row's ``(match, what the row says)`` with the matches."""
    found = tmdb_ids(match_films([ref for ref, _ in rows], client=None))
    return found, [(found[ref], said) for ref, said in rows]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def zip_files(name: str) -> dict[str, str]:
    """A ZIP's files by path, under its one top-level folder if it has one."""
    with zipfile.ZipFile(DATA / name) as archive:
        files = {
            info.filename: archive.read(info).decode("utf-8")
            for info in archive.infolist()
            if not info.is_dir()
        }
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1 and all("/" in path for path in files):
        return {path.split("/", 1)[1]: text for path, text in files.items()}
    return files


def year(text: str | None) -> int | None:
    return int(text[:4]) if text and text[:4].isdigit() else None


# Letterboxd


def letterboxd_ref(row: dict[str, str]) -> FilmRef:
    return FilmRef(title=row["Name"], year=year(row["Year"]))


def test_letterboxd(demo_catalog, db) -> None:
    files = zip_files("letterboxd-export.zip")
    truth = TRUTH["letterboxd-export.zip"]
    rows = {
        name: csv_rows(files[name])
        for name in ("watched.csv", "diary.csv", "reviews.csv", "ratings.csv", "watchlist.csv",
                     "likes/films.csv")
    }  # fmt: skip

    _, ratings = matched(
        [(letterboxd_ref(row), float(row["Rating"]) * 2) for row in rows["ratings.csv"]]
    )
    _, plays = matched(
        [
            (letterboxd_ref(row), (row["Watched Date"], row["Rewatch"] == "Yes"))
            for row in rows["diary.csv"] + rows["reviews.csv"]
        ]
    )
    _, watched = matched([(letterboxd_ref(row), None) for row in rows["watched.csv"]])
    _, watchlist = matched([(letterboxd_ref(row), None) for row in rows["watchlist.csv"]])
    _, likes = matched([(letterboxd_ref(row), None) for row in rows["likes/films.csv"]])
    every = tmdb_ids(
        match_films([letterboxd_ref(row) for file in rows.values() for row in file], client=None)
    )

    assert {(tmdb_id, value) for tmdb_id, value in ratings if isinstance(tmdb_id, int)} == {
        (int(tmdb_id), value) for tmdb_id, value in truth["ratings"].items()
    }
    assert {(t, date, rewatch) for t, (date, rewatch) in plays if isinstance(t, int)} == {
        (play["tmdb_id"], play["date"], play["rewatch"]) for play in truth["plays"] if play["date"]
    }
    assert {tmdb_id for tmdb_id, _ in watched if not isinstance(tmdb_id, Unmatched)} == set(
        truth["watched"]
    )
    assert [tmdb_id for tmdb_id, _ in watchlist] == truth["watchlist"]
    assert [tmdb_id for tmdb_id, _ in likes] == truth["favorites"]
    truth_ids = (
        {int(tmdb_id) for tmdb_id in truth["ratings"]}
        | {play["tmdb_id"] for play in truth["plays"]}
        | set(truth["watched"] + truth["watchlist"] + truth["favorites"])
    )
    assert {value for value in every.values() if not isinstance(value, Unmatched)} == truth_ids
    assert {
        f"{ref.title} ({ref.year})": value
        for ref, value in every.items()
        if isinstance(value, Unmatched)
    } == dict.fromkeys(truth["unmatched"], Unmatched("not_found"))


# IMDb


def imdb_rows(name: str) -> list[dict[str, str]]:
    return [
        row
        for row in csv_rows((DATA / name).read_text(encoding="utf-8"))
        if row["Title Type"].lower() in FILM_TYPES
    ]


def imdb_ref(row: dict[str, str]) -> FilmRef:
    return FilmRef(imdb_id=row["Const"], title=row["Title"], year=year(row["Year"]))


@pytest.mark.parametrize("name", ["imdb-ratings.csv", "imdb-ratings-2020.csv"])
def test_imdb_ratings(demo_catalog, db, name: str) -> None:
    truth = TRUTH[name]
    rows = imdb_rows(name)

    _, ratings = matched([(imdb_ref(row), (row["Const"], int(row["Your Rating"]))) for row in rows])

    assert {(tmdb_id, rating) for tmdb_id, (_, rating) in ratings if isinstance(tmdb_id, int)} == {
        (int(tmdb_id), value) for tmdb_id, value in truth["ratings"].items()
    }
    assert sorted(const for found, (const, _) in ratings if isinstance(found, Unmatched)) == sorted(
        truth["unmatched"]
    )


def test_imdb_watchlist(demo_catalog, db) -> None:
    truth = TRUTH["imdb-WATCHLIST.csv"]

    _, watchlist = matched([(imdb_ref(row), None) for row in imdb_rows("imdb-WATCHLIST.csv")])

    assert [tmdb_id for tmdb_id, _ in watchlist] == truth["watchlist"]


# Trakt


def trakt_ref(item: dict[str, Any]) -> FilmRef:
    movie = item["movie"]
    ids = movie.get("ids") or {}
    return FilmRef(
        tmdb_id=ids.get("tmdb"), imdb_id=ids.get("imdb"), title=movie["title"], year=movie["year"]
    )


def test_trakt(demo_catalog, db) -> None:
    files = {name: json.loads(text) for name, text in zip_files("trakt-export.zip").items()}
    truth = TRUTH["trakt-export.zip"]
    history = sorted(
        (item for name, items in files.items() if name.startswith("watched-history")
         for item in items if item["type"] == "movie"),
        key=lambda item: item["watched_at"],
    )  # fmt: skip

    _, ratings = matched(
        [(trakt_ref(item), item["rating"]) for item in files["ratings-movies.json"]]
    )
    _, views = matched([(trakt_ref(item), item["watched_at"][:10]) for item in history])
    _, watchlist = matched([(trakt_ref(item), None) for item in files["lists-watchlist.json"]])
    _, favorites = matched([(trakt_ref(item), None) for item in files["lists-favorites.json"]])
    every = [
        trakt_ref(item)
        for name in files
        if not name.startswith("user-")
        for item in files[name]
        if item.get("type") == "movie"
    ]

    plays: list[tuple[int | Unmatched, str, bool]] = []
    seen: defaultdict[int | Unmatched, int] = defaultdict(int)
    for tmdb_id, date in views:
        plays.append((tmdb_id, date, seen[tmdb_id] > 0))
        seen[tmdb_id] += 1
    assert {(tmdb_id, value) for tmdb_id, value in ratings if isinstance(tmdb_id, int)} == {
        (int(tmdb_id), value) for tmdb_id, value in truth["ratings"].items()
    }
    assert {play for play in plays if isinstance(play[0], int)} == {
        (play["tmdb_id"], play["date"], play["rewatch"]) for play in truth["plays"]
    }
    assert [tmdb_id for tmdb_id, _ in watchlist] == truth["watchlist"]
    assert [tmdb_id for tmdb_id, _ in favorites] == truth["favorites"]
    found = tmdb_ids(match_films(every, client=None))
    assert sorted(ref.tmdb_id for ref, value in found.items() if isinstance(value, Unmatched)) == (
        sorted(truth["unmatched"])
    )


# TMDB


def test_tmdb_ratings(demo_catalog, db) -> None:
    truth = TRUTH["tmdb-ratings.csv"]
    rows = [
        row
        for row in csv_rows((DATA / "tmdb-ratings.csv").read_text(encoding="utf-8"))
        if row["Type"] == "movie"
    ]

    _, ratings = matched(
        [
            (
                FilmRef(
                    tmdb_id=int(row["TMDb ID"]),
                    imdb_id=row["IMDb ID"] or None,
                    title=row["Name"],
                    year=year(row["Release Date"]),
                ),
                float(row["Your Rating"]),
            )
            for row in rows
        ]
    )

    assert sorted(ratings, key=str) == sorted(
        ((int(tmdb_id), value) for tmdb_id, value in truth["ratings"].items()), key=str
    )
    assert truth["unmatched"] == []
