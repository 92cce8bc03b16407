"""Trakt's export: a ZIP of JSON files, each an API answer. Read: watched-history.json (or
watched-history-1.json, -2, ...: plays; Trakt has no rewatch flag, so every play of a movie
after its first is a rewatch), ratings-movies.json, lists-watchlist.json and
lists-favorites.json. TV files (``*-shows``, ``*-seasons``, ``*-episodes``) count as skipped TV
rows. Never read: user-profile.json, user-settings.json, custom lists and anything else."""

import datetime
import re
from collections.abc import Iterable
from typing import Any

from imports.entries import (
    FAVORITE,
    INVALID,
    NOT_A_FILM,
    PLAY,
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
from imports.files import Refused
from imports.matching import FilmRef

SOURCE = "trakt"
HISTORY = re.compile(r"watched-history(-[0-9]+)?\.json")
LISTS = {"lists-watchlist.json": WATCHLIST, "lists-favorites.json": FAVORITE}
RATINGS = "ratings-movies.json"
TV_FILES = re.compile(r"(ratings|lists-watchlist|lists-favorites)-(shows|seasons|episodes)\.json")
TV_TYPES = {"show", "season", "episode"}
# What JSON may escape that no stored text may hold: a NUL (PostgreSQL refuses it) and half a
# UTF-16 pair ("\ud800": no UTF-8 encodes it), both dropped from a title.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def wanted(path: str) -> bool:
    """Whether ``path`` (in the export) is read."""
    return bool(HISTORY.fullmatch(path) or TV_FILES.fullmatch(path)) or path in {*LISTS, RATINGS}


def is_trakt(paths: Iterable[str]) -> bool:
    return any(HISTORY.fullmatch(p) or p in LISTS or p == RATINGS for p in paths)


def kind_of_path(path: str) -> str | None:
    """Which Trakt file ``path`` is by its name: "history", "ratings", "list", or None."""
    if HISTORY.fullmatch(path):
        return "history"
    if path == RATINGS:
        return "ratings"
    return "list" if path in LISTS else None


def kind_of(items: Any) -> str | None:
    """Which Trakt file a JSON document is, by its first item: "history", "ratings", "list"."""
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return None
    first = items[0]
    for key, kind in (("watched_at", "history"), ("rated_at", "ratings"), ("listed_at", "list")):
        if key in first:
            return kind
    return None


def film(item: dict[str, Any]) -> FilmRef | None:
    movie = item.get("movie")
    if not isinstance(movie, dict):
        return None
    ids = movie.get("ids")
    if not isinstance(ids, dict):
        ids = {}
    ref = FilmRef(
        tmdb_id=tmdb_id(ids.get("tmdb") or ""),
        imdb_id=imdb_id(str(ids.get("imdb") or "")),
        title=UNSTORABLE.sub("", str(movie.get("title") or "")),
        year=year(movie.get("year") or ""),
    )
    return ref if ref.tmdb_id or ref.imdb_id else None


def parse(documents: dict[str, Any], *, list_kind: str | None = None) -> Parsed:
    """``documents``: the JSON of each file read, by path; a lone list file is read as
    ``list_kind``."""
    parsed = Parsed(SOURCE)
    plays: list[tuple[datetime.datetime, FilmRef]] = []
    for path, items in documents.items():
        if not isinstance(items, list):
            raise Refused(f"{path} is not a Trakt export file (a JSON list).")
        if TV_FILES.fullmatch(path):
            parsed.skip(TV, len(items))
            continue
        # Its name says which file it is; a file alone, named otherwise, its first item.
        what = kind_of_path(path) or (kind_of(items) if items else None)
        list_as = LISTS.get(path, list_kind or WATCHLIST)
        for item in items:
            if not isinstance(item, dict):
                parsed.skip(INVALID)
                continue
            kind = str(item.get("type", "movie"))
            if kind in TV_TYPES:
                parsed.skip(TV)
                continue
            ref = film(item) if kind == "movie" else None
            if ref is None:
                parsed.skip(INVALID if kind == "movie" else NOT_A_FILM)
                continue
            if what == "history":
                watched_at = moment(str(item.get("watched_at") or ""))
                if watched_at is None:
                    parsed.skip(INVALID)
                else:
                    plays.append((watched_at, ref))
            elif what == "ratings":
                value = number(str(item.get("rating", "")))
                if value is None:
                    parsed.skip(INVALID)
                    continue
                rated_at = moment(str(item.get("rated_at") or ""))
                parsed.add(Entry(RATING, ref, rating=value, rated_at=rated_at))
            else:
                parsed.add(Entry(list_as, ref))
    seen: set[FilmRef] = set()
    for watched_at, ref in sorted(plays, key=lambda play: play[0]):
        day = watched_at.astimezone(datetime.UTC).date()  # Trakt's times are UTC
        parsed.add(Entry(PLAY, ref, watched_on=day, rewatch=ref in seen))
        seen.add(ref)
    return parsed
