"""Letterboxd's export: a ZIP of CSV files (README of tests/imports/data). Read: ratings.csv
(x2: half stars out of 5 are this API's 0.5-10), diary.csv and reviews.csv (dated plays; a
review's text is its play's note), watched.csv (one play without a day for each film the diary
does not have), watchlist.csv and likes/films.csv (favorites). Never read: profile.csv,
comments.csv, lists/, deleted/, orphaned/ and anything else."""

from collections.abc import Iterable

from imports.entries import (
    FAVORITE,
    IN_DIARY,
    INVALID,
    NO_RATING,
    NOTE_MAX_LENGTH,
    PLAY,
    RATING,
    WATCHLIST,
    Entry,
    Parsed,
    day,
    moment,
    number,
    year,
)
from imports.files import CsvRows, Refused
from imports.matching import FilmRef

SOURCE = "letterboxd"
FILM = ("Date", "Name", "Year", "Letterboxd URI")
# The files read, by path in the export, and the columns each must have.
FILES = {
    "ratings.csv": (*FILM, "Rating"),
    "diary.csv": (*FILM, "Rating", "Rewatch", "Watched Date"),
    "reviews.csv": (*FILM, "Rewatch", "Review", "Watched Date"),
    "watched.csv": FILM,
    "watchlist.csv": FILM,
    "likes/films.csv": FILM,
}
# The files by which a ZIP is known to be Letterboxd's.
MARKERS = {"watched.csv", "diary.csv", "ratings.csv", "watchlist.csv"}


def film(row: dict[str, str]) -> FilmRef:
    return FilmRef(title=row["Name"], year=year(row["Year"]))


def check_header(rows: CsvRows, path: str) -> None:
    missing = [name for name in FILES[path] if name not in rows.header]
    if missing:
        raise Refused(f"{path} lacks the column(s) {', '.join(missing)} of a Letterboxd export.")


def parse(files: dict[str, CsvRows]) -> Parsed:
    """``files``: those of ``FILES`` the export has, by path (header checked here; a file
    without a header, empty, has no rows)."""
    files = {path: rows for path, rows in files.items() if rows.header}
    for path, rows in files.items():
        check_header(rows, path)
    parsed = Parsed(SOURCE)
    if "ratings.csv" in files:
        _ratings(files["ratings.csv"], parsed)
    logged = _diary(files.get("diary.csv"), files.get("reviews.csv"), parsed)
    if "watched.csv" in files:
        for row in files["watched.csv"]:
            if (row["Name"], row["Year"]) in logged:
                parsed.skip(IN_DIARY)
            else:
                parsed.add(Entry(PLAY, film(row)))
    for path, kind in (("watchlist.csv", WATCHLIST), ("likes/films.csv", FAVORITE)):
        for row in files.get(path, ()):
            parsed.add(Entry(kind, film(row)))
    return parsed


def _ratings(rows: Iterable[dict[str, str]], parsed: Parsed) -> None:
    for row in rows:
        stars = number(row["Rating"])
        if not row["Rating"]:
            parsed.skip(NO_RATING)
        elif stars is None:
            parsed.skip(INVALID)
        else:
            entry = Entry(RATING, film(row), rating=stars * 2, rated_at=moment(row["Date"]))
            parsed.add(entry)


def _diary(
    diary: Iterable[dict[str, str]] | None, reviews: Iterable[dict[str, str]] | None, parsed: Parsed
) -> set[tuple[str, str]]:
    """Plays from the diary, each with its review's text as note (a review is a diary entry
    with a text: it adds a play only when the diary lacks it); an entry without its
    ``Watched Date`` is a play of the day it was logged (``Date``). The films logged, by
    (name, year) as written."""
    plays: dict[tuple[str, str, str, bool], Entry] = {}
    for path, rows in (("diary.csv", diary), ("reviews.csv", reviews)):
        for row in rows or ():
            watched = day(row["Watched Date"] or row["Date"])
            if watched is None:
                parsed.skip(INVALID)
                continue
            rewatch = row["Rewatch"].strip().lower() == "yes"
            key = (row["Name"], row["Year"], watched.isoformat(), rewatch)
            review = row.get("Review", "") if path == "reviews.csv" else ""
            note = _lines(review)[:NOTE_MAX_LENGTH]
            if key in plays and path == "diary.csv":  # logged twice: one play, counted present
                parsed.add(Entry(PLAY, film(row), watched_on=watched, rewatch=rewatch))
                continue
            if key in plays:  # a review of a diary entry: its text is the play's note
                parsed.skip(IN_DIARY)
                if note:
                    entry = plays[key]
                    plays[key] = Entry(PLAY, entry.film, watched_on=watched, rewatch=rewatch,
                                       note=note)  # fmt: skip
                continue
            plays[key] = Entry(PLAY, film(row), watched_on=watched, rewatch=rewatch, note=note)
    for entry in plays.values():
        parsed.add(entry)
    return {(name, year_) for name, year_, _, _ in plays}


def _lines(text: str) -> str:
    """A text's line breaks as ``\\n``, whichever the file wrote (``\\r\\n`` in a quoted cell)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
