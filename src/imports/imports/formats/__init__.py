"""Which export a file is, from its content (``detect``: cheap, at upload), and what it says
(``read``: in the worker). A ZIP is Letterboxd's (CSV files) or Trakt's (JSON files); a CSV
is known by its header (IMDb ratings, an IMDb list, TMDB's ratings or watchlist, one of
Letterboxd's files); a JSON file is one of Trakt's."""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from imports.entries import Parsed
from imports.files import (
    UTF8_BOM,
    Archive,
    Budget,
    CsvRows,
    NotThatSource,
    Refused,
    csv_rows,
    json_value,
    looks_like_zip,
    too_many_rows,
)
from imports.formats import imdb, letterboxd, tmdb_csv, trakt

SOURCES = ("letterboxd", "imdb", "trakt", "tmdb")
NAMES = {"letterboxd": "Letterboxd", "imdb": "IMDb", "trakt": "Trakt", "tmdb": "TMDB"}
UNKNOWN = (
    "Not a Letterboxd, IMDb, Trakt or TMDB export: upload the ZIP Letterboxd or Trakt gives, "
    "or an IMDb or TMDB CSV file."
)
LIST_EXPORT = "Letterboxd list export"
HEAD = 64 * 1024
# The end of a CSV's first line: "\n", "\r\n", or "\r" alone (old Mac spreadsheets).
LINE_END = re.compile(rb"\r|\n")


@dataclass(frozen=True)
class Limits:
    max_entries: int
    max_inflated: int
    max_rows: int
    max_json: int


def detect(data: bytes, *, file_name: str, limits: Limits, source: str | None = None) -> str:
    """The export's source ("letterboxd", "imdb", "trakt", "tmdb"), from its content: a ZIP's
    names (its directory checked: entries, names, declared sizes) or a CSV's header. With
    ``source``, the file must be one that source exports (``NotThatSource``). ``Refused``
    otherwise."""
    found = _candidates(data, file_name=file_name, limits=limits)
    if source is None:
        return found[0]
    if source not in found:
        raise NotThatSource(
            f"This file is not a {NAMES[source]} export (it is {NAMES[found[0]]}'s)."
        )
    return source


def _candidates(data: bytes, *, file_name: str, limits: Limits) -> list[str]:
    if not data:
        raise Refused("The file is empty.")
    if looks_like_zip(data):
        names = _archive(data, limits).names()
        found = [
            name
            for name, fits in (
                ("letterboxd", bool(letterboxd.MARKERS & set(names))),
                ("trakt", trakt.is_trakt(names)),
            )
            if fits
        ]
        if not found:
            raise Refused(UNKNOWN)
        return found
    head = data[:HEAD].removeprefix(UTF8_BOM).lstrip()
    if b"\x00" in head:
        raise Refused(UNKNOWN)
    if head[:1] in (b"[", b"{"):
        return ["trakt"]
    return [_csv_source(_header(data, file_name), file_name)]


def _archive(data: bytes, limits: Limits) -> Archive:
    return Archive(data, max_entries=limits.max_entries, max_inflated=limits.max_inflated)


def _header(data: bytes, file_name: str) -> list[str]:
    line = LINE_END.split(data[:HEAD], maxsplit=1)[0]
    try:
        text = line.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{file_name or 'The file'} is not UTF-8 text.") from None
    if text.startswith(LIST_EXPORT):
        raise Refused("A Letterboxd list: custom lists are not imported.")
    try:
        return [cell.strip() for cell in next(csv.reader(io.StringIO(text)), [])]
    except csv.Error:
        raise Refused(UNKNOWN) from None


def _csv_source(header: list[str], file_name: str) -> str:
    if imdb.kind(header):
        return "imdb"
    if tmdb_csv.matches(header):
        return "tmdb"
    if {"Name", "Year", "Letterboxd URI"} <= set(header):
        _letterboxd_path(header, file_name)  # which of its files, or refused at once
        return "letterboxd"
    shown = ",".join(header)[:200]
    raise Refused(f"Unknown CSV header ({shown}). {UNKNOWN}")


def read(data: bytes, *, source: str, file_name: str, limits: Limits) -> Parsed:
    """What the file says, read as ``source``'s export; ``Refused`` if it cannot be."""
    if looks_like_zip(data):
        archive = _archive(data, limits)
        if source == "letterboxd":
            files = {
                path: csv_rows(archive.open(path), path, max_rows=limits.max_rows)
                for path in letterboxd.FILES
                if path in archive.members
            }
            parsed = letterboxd.parse(files)
        elif source == "trakt":
            paths = sorted(path for path in archive.names() if trakt.wanted(path))
            # JSON is parsed whole: its bytes capped apart (Python's objects weigh several times).
            json_bytes = Budget(limits.max_json, what="The export's JSON")
            documents = {
                path: json_value(archive.read(path, budget=json_bytes), path) for path in paths
            }
            _check_items(documents.values(), limits)
            parsed = trakt.parse(documents)
        else:
            raise Refused(f"A ZIP is not an {NAMES[source]} export.")
    elif source == "trakt":
        document: Any = json_value(data, file_name or "The file")
        _check_items([document], limits)
        kind = "favorite" if "favorite" in file_name.lower() else "watchlist"
        parsed = trakt.parse({file_name or "the file": document}, list_kind=kind)
    else:
        rows = csv_rows(data, file_name or "The file", max_rows=limits.max_rows)
        parsed = _read_csv(rows, source=source, file_name=file_name)
    if parsed.read > limits.max_rows:
        raise Refused(too_many_rows(limits.max_rows))
    return parsed


def _check_items(documents: Iterable[Any], limits: Limits) -> None:
    """JSON files of more items than an import may have rows: refused before they are read."""
    items = sum(len(doc) for doc in documents if isinstance(doc, list))
    if items > limits.max_rows:
        raise Refused(too_many_rows(limits.max_rows))


def _read_csv(rows: CsvRows, *, source: str, file_name: str) -> Parsed:
    if source == "imdb" and imdb.kind(rows.header):
        return imdb.parse(rows)
    if source == "tmdb" and tmdb_csv.matches(rows.header):
        return tmdb_csv.parse(rows, file_name=file_name)
    if source == "letterboxd":
        return letterboxd.parse({_letterboxd_path(rows.header, file_name): rows})
    raise Refused(f"Unknown CSV header for a {NAMES[source]} export. {UNKNOWN}")


def _letterboxd_path(header: list[str], file_name: str) -> str:
    """Which file of a Letterboxd export a CSV uploaded alone is: by its header, else (the
    four columns that watched, watchlist and liked films share) by its name."""
    names, lowered = set(header), file_name.lower()
    if "Review" in names:
        return "reviews.csv"
    if "Watched Date" in names:
        return "diary.csv"
    if "Rating" in names:
        return "ratings.csv"
    for hint, path in (("watchlist", "watchlist.csv"), ("watched", "watched.csv"),
                       ("like", "likes/films.csv"), ("film", "likes/films.csv")):  # fmt: skip
        if hint in lowered:
            return path
    raise Refused(
        "A Letterboxd CSV of films alone: upload the whole export ZIP, or name the file "
        "watched.csv, watchlist.csv or films.csv (liked films)."
    )
