"""What a file says, format aside: entries of four kinds, each about one film (a ``FilmRef``),
and the rows read that feed nothing, counted by reason."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from imports.matching import FilmRef

PLAY, RATING, WATCHLIST, FAVORITE = "play", "rating", "watchlist", "favorite"
# Reasons a row read is not imported (the counts' "skipped"), besides the target apps' own.
TV = "tv"
NOT_A_FILM = "not a film"
INVALID = "invalid row"
NO_RATING = "no rating"
IN_DIARY = "in the diary"
# A play's note at most (history's NOTE_MAX_LENGTH): a longer review is cut there.
NOTE_MAX_LENGTH = 1000
IMDB_ID = re.compile(r"tt[0-9]{7,8}")
NUMBER_DIGITS = 9  # at most, before the point, in a number read (``number``)


@dataclass(frozen=True)
class Entry:
    """One thing to import about a film: a ``play`` (a day or None, a rewatch flag, a note),
    a ``rating`` (0.5-10, when it was given), or the film on the ``watchlist`` or among the
    ``favorite``s."""

    kind: str
    film: FilmRef
    rating: Decimal | None = None
    rated_at: datetime.datetime | None = None
    watched_on: datetime.date | None = None
    rewatch: bool = False
    note: str = ""


@dataclass
class Parsed:
    """A file read: its entries, the rows that feed nothing (by reason), and how many rows
    were read in all."""

    source: str
    entries: list[Entry] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    read: int = 0

    def add(self, entry: Entry) -> None:
        self.read += 1
        self.entries.append(entry)

    def skip(self, reason: str, rows: int = 1) -> None:
        self.read += rows
        self.skipped[reason] += rows


def day(value: str) -> datetime.date | None:
    """``YYYY-MM-DD`` (or the day of an ISO 8601 time, as given: Trakt's are UTC); None for
    "" or anything else."""
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def moment(value: str) -> datetime.datetime | None:
    """An ISO 8601 time (``Z`` allowed; naive: UTC) or a day (its midnight), in UTC; None if
    neither, or if its UTC time is out of Python's range (year 0 or 10000)."""
    value = value.strip()
    if len(value) == 10:
        found = day(value)
        return datetime.datetime.combine(found, datetime.time(), datetime.UTC) if found else None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=datetime.UTC)
        return parsed.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None


def number(value: str) -> Decimal | None:
    """A finite number of at most nine digits before the point (a rating, doubled or not, is
    far below; 1e999999999 would overflow Decimal's arithmetic); None for anything else."""
    try:
        found = Decimal(value.strip())
    except InvalidOperation:
        return None
    return found if found.is_finite() and found.adjusted() < NUMBER_DIGITS else None


def year(value: object) -> int | None:
    text = str(value).strip()[:4]
    return int(text) if len(text) == 4 and text.isdigit() else None


def imdb_id(value: str) -> str | None:
    """``tt`` and 7 or 8 digits, as IMDb writes its ids; None for anything else ("tt123" is
    not read as tt0000123: a malformed id could name another film)."""
    value = value.strip()
    return value if IMDB_ID.fullmatch(value) else None


def tmdb_id(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None
