"""IMDb's CSV exports: the ratings (two headers: with and without ``Original Title``) feed
ratings; a list or the watchlist (a ``Position`` column) feeds the watchlist. Columns are read
by name. Film-like title types are imported; series, episodes, games and the like are
skipped and counted."""

from imports.entries import (
    INVALID,
    NO_RATING,
    NOT_A_FILM,
    RATING,
    TV,
    WATCHLIST,
    Entry,
    Parsed,
    imdb_id,
    moment,
    number,
    year,
)
from imports.files import CsvRows
from imports.matching import FilmRef

SOURCE = "imdb"
RATINGS = {"Const", "Your Rating", "Date Rated", "Title", "Title Type", "Year"}
LIST = {"Position", "Const", "Title", "Title Type", "Year"}
# Title types, compared without spaces and case: "TV Movie" and "tvMovie" alike.
FILMS = {"movie", "tvmovie", "video", "tvspecial", "short", "tvshort", "feature"}
TV_TYPES = {"tvseries", "tvminiseries", "tvepisode", "tvpilot", "episode", "series", "miniseries"}


def kind(header: list[str]) -> str | None:
    """``RATING`` or ``WATCHLIST`` for an IMDb header, else None."""
    names = set(header)
    if names >= LIST:
        return WATCHLIST
    if names >= RATINGS:
        return RATING
    return None


def parse(rows: CsvRows) -> Parsed:
    what = kind(rows.header)
    parsed = Parsed(SOURCE)
    for row in rows:
        title_type = row["Title Type"].replace(" ", "").replace("-", "").lower()
        if title_type not in FILMS:
            parsed.skip(TV if title_type in TV_TYPES or "tv" in title_type else NOT_A_FILM)
            continue
        const = imdb_id(row["Const"])
        if const is None:
            parsed.skip(INVALID)
            continue
        film = FilmRef(imdb_id=const, title=row["Title"], year=year(row["Year"]))
        if what == WATCHLIST:
            parsed.add(Entry(WATCHLIST, film))
            continue
        value = number(row["Your Rating"])
        if not row["Your Rating"]:
            parsed.skip(NO_RATING)
        elif value is None:
            parsed.skip(INVALID)
        else:
            parsed.add(Entry(RATING, film, rating=value, rated_at=moment(row["Date Rated"])))
    return parsed
