"""A user's history and ratings in Letterboxd's import format (letterboxd.com/about/importing-data):
``tmdbID,Title,Year,WatchedDate,Rating10,Rewatch``, so that people can leave as easily as they
came. The ratings come from the app wired in ``HISTORY['RATINGS']`` (history imports no app)."""

import csv
import io
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, cast

from django.utils.module_loading import import_string

from catalog.selectors import movie_identities
from core.conf import installed_paths
from history.conf import history_settings
from history.models import Play

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

HEADER = ["tmdbID", "Title", "Year", "WatchedDate", "Rating10", "Rewatch"]
# A cell a spreadsheet would run as a formula (OWASP's CSV injection list) gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def user_ratings(*, user: "_User") -> dict[int, float]:
    """``{movie id: rating (0.5-10)}`` from ``HISTORY['RATINGS']`` (none when it is not set or
    its app is not installed)."""
    path = cast(str | None, history_settings.RATINGS)
    if not path or not installed_paths([path]):
        return {}
    ratings = cast(Callable[..., dict[int, float]], import_string(path))
    return ratings(user=user)


def rating10(value: float) -> str:
    """A rating of 0.5-10 in steps of 0.5 as Letterboxd's whole ``Rating10`` (1-10, which is
    half stars): halves round up (8.5 -> 9), 0.5 becomes 1."""
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return str(max(1, min(10, int(whole))))


def guarded(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def letterboxd_rows(*, user: "_User") -> Iterator[list[str]]:
    """The header, then one row per play (oldest day first, undated plays first) with the
    movie's rating on each, then one row without a day per rated movie never played."""
    rows = Play.objects.filter(user=user).order_by("id")
    plays = list(rows.values_list("movie_id", "watched_on", "rewatch"))
    plays.sort(key=lambda play: (play[1] is not None, play[1] or 0))  # stable: by id in a day
    ratings = user_ratings(user=user)
    played = {movie_id for movie_id, _, _ in plays}
    rated_only = [movie_id for movie_id in ratings if movie_id not in played]
    movies = movie_identities(movie_ids=played | set(rated_only))
    yield HEADER
    entries = [*plays, *((movie_id, None, False) for movie_id in sorted(rated_only))]
    for movie_id, day, rewatch in entries:
        if movie_id not in movies:  # deleted meanwhile
            continue
        tmdb_id, title, year = movies[movie_id]
        rating = ratings.get(movie_id)
        yield [
            str(tmdb_id),
            guarded(title),
            "" if year is None else str(year),
            "" if day is None else day.isoformat(),
            "" if rating is None else rating10(rating),
            "true" if rewatch else "false",
        ]


def letterboxd_csv(*, user: "_User") -> str:
    out = io.StringIO()
    csv.writer(out).writerows(letterboxd_rows(user=user))
    return out.getvalue()
