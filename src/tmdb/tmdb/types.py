"""Immutable values parsed from TMDB's JSON.

TMDB omits fields and sends nulls freely, so every field but ``id`` is optional: a missing or
null value becomes None (an empty tuple for lists), never a made-up default.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

T = TypeVar("T")

JSON = Mapping[str, Any]


def _date(value: Any) -> datetime.date | None:
    """TMDB sends "" for an unknown date."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Genre:
    id: int
    name: str | None

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        return cls(id=data["id"], name=data.get("name"))


def _movie_fields(data: JSON) -> dict[str, Any]:
    return {
        "id": data["id"],
        "title": data.get("title"),
        "original_title": data.get("original_title"),
        "overview": data.get("overview"),
        "release_date": _date(data.get("release_date")),
        "poster_path": data.get("poster_path"),
        "backdrop_path": data.get("backdrop_path"),
        "genre_ids": tuple(data.get("genre_ids") or ()),
        "popularity": _float(data.get("popularity")),
        "vote_average": _float(data.get("vote_average")),
        "vote_count": data.get("vote_count"),
        "adult": data.get("adult"),
        "original_language": data.get("original_language"),
    }


@dataclass(frozen=True, slots=True)
class MovieSummary:
    """A movie as lists (popular, top rated, trending...) return it."""

    id: int
    title: str | None
    original_title: str | None
    overview: str | None
    release_date: datetime.date | None
    poster_path: str | None
    backdrop_path: str | None
    genre_ids: tuple[int, ...]
    popularity: float | None
    vote_average: float | None
    vote_count: int | None
    adult: bool | None
    original_language: str | None

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        return cls(**_movie_fields(data))


@dataclass(frozen=True, slots=True)
class MovieDetails(MovieSummary):
    """``/movie/{id}``: a summary plus the details. ``genre_ids`` mirrors ``genres``, which is
    all TMDB sends here."""

    genres: tuple[Genre, ...]
    runtime: int | None
    status: str | None
    tagline: str | None
    imdb_id: str | None
    budget: int | None
    revenue: int | None
    homepage: str | None

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        genres = tuple(Genre.from_json(genre) for genre in data.get("genres") or ())
        return cls(
            **{**_movie_fields(data), "genre_ids": tuple(genre.id for genre in genres)},
            genres=genres,
            runtime=data.get("runtime"),
            status=data.get("status"),
            tagline=data.get("tagline"),
            imdb_id=data.get("imdb_id"),
            budget=data.get("budget"),
            revenue=data.get("revenue"),
            homepage=data.get("homepage"),
        )


@dataclass(frozen=True, slots=True)
class ChangedItem:
    """An entry of ``/movie/changes``: a movie edited in the requested window."""

    id: int
    adult: bool | None

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        return cls(id=data["id"], adult=data.get("adult"))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a TMDB list. The counters are required: a list without them is broken."""

    page: int
    total_pages: int
    total_results: int
    results: tuple[T, ...]

    @classmethod
    def from_json(cls, data: JSON, item: Callable[[JSON], T]) -> "Page[T]":
        return cls(
            page=data["page"],
            total_pages=data["total_pages"],
            total_results=data["total_results"],
            results=tuple(item(result) for result in data.get("results") or ()),
        )
