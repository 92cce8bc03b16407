"""TMDB's account exports: the ratings and the watchlist, one CSV header for both
(``TMDb ID,IMDb ID,Type,Name,Release Date,...,Your Rating,Date Rated``). A file whose name says
watchlist, or whose movies carry no rating, is a watchlist; else its rated movies are ratings.
``Type`` tv rows are skipped."""

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
    tmdb_id,
    year,
)
from imports.files import CsvRows
from imports.matching import FilmRef

SOURCE = "tmdb"
HEADER = {"TMDb ID", "Type", "Name", "Your Rating"}


def matches(header: list[str]) -> bool:
    return set(header) >= HEADER


def parse(rows: CsvRows, *, file_name: str) -> Parsed:
    movies: list[dict[str, str]] = []
    parsed = Parsed(SOURCE)
    for row in rows:
        kind = row["Type"].strip().lower()
        if kind == "movie":
            movies.append(row)
        else:
            parsed.skip(TV if kind == "tv" else NOT_A_FILM)
    watchlist = "watchlist" in file_name.lower() or not any(r["Your Rating"] for r in movies)
    for row in movies:
        identifier = tmdb_id(row["TMDb ID"])
        if identifier is None:
            parsed.skip(INVALID)
            continue
        film = FilmRef(
            tmdb_id=identifier,
            imdb_id=imdb_id(row.get("IMDb ID", "")),
            title=row["Name"],
            year=year(row.get("Release Date", "")),
        )
        if watchlist:
            parsed.add(Entry(WATCHLIST, film))
            continue
        value = number(row["Your Rating"])
        if not row["Your Rating"]:
            parsed.skip(NO_RATING)
        elif value is None:
            parsed.skip(INVALID)
        else:
            rated_at = moment(row.get("Date Rated", ""))
            parsed.add(Entry(RATING, film, rating=value, rated_at=rated_at))
    return parsed
