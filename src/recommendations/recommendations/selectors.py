"""Serving: a few indexed queries (the user's favorites, their neighbours, the page's movies)
plus in-memory scoring by ``recommendations.engine.recommend``."""

import datetime
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from catalog.items import movie_list_items
from catalog.selectors import movie_ids_by_popularity
from favorites.selectors import favorite_movie_ids, most_favorited_movie_ids
from recommendations.conf import recommendations_settings
from recommendations.engine import rank
from recommendations.models import MovieNeighbour, RecommenderBuild

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

CURRENT_BUILD_KEY = "recommendations:current_build"
# Not forever: a process whose cache a build elsewhere cannot reach (no shared Redis) would keep
# naming a build whose rows are deleted; this bounds how long it can miss a rebuild.
CURRENT_BUILD_TIMEOUT = 60
POPULAR_WITH_USERS = "Popular with other users"
POPULAR_ON_TMDB = "Popular on TMDB"


@dataclass(frozen=True)
class Pick:
    movie_id: int
    score: float
    because: int | None = None  # the favorite it is most similar to
    reason: str = ""


def current_build_id() -> int | None:
    return served_build_id(cache.get(CURRENT_BUILD_KEY))


def served_build_id(cached: int | None) -> int | None:
    """The served build (None before the first one), given the value of ``CURRENT_BUILD_KEY``
    the caller read; from the database, then cached, when that value is missing."""
    if cached is None:
        latest = RecommenderBuild.objects.filter(completed_at__isnull=False).first()
        cached = latest.pk if latest else 0
        cache.set(CURRENT_BUILD_KEY, cached, timeout=CURRENT_BUILD_TIMEOUT)
    return cached or None


def neighbour_rows(*, build_id: int | None, movie_ids: list[int]) -> list[tuple[int, int, float]]:
    """(movie, neighbour, score) rows of these movies in the build: one indexed query."""
    if not (build_id and movie_ids):
        return []
    rows = MovieNeighbour.objects.filter(build_id=build_id, movie_id__in=movie_ids)
    return list(rows.values_list("movie_id", "neighbour_id", "score"))


def popular_picks() -> list[Pick]:
    """Most favorited recently, then most popular on TMDB; cached for a few minutes."""
    limit = recommendations_settings.MAX_RESULTS
    key = f"recommendations:popular:{limit}"
    picks: list[Pick] | None = cache.get(key)
    if picks is None:
        since = timezone.now() - datetime.timedelta(
            days=recommendations_settings.POPULAR_WINDOW_DAYS
        )
        favorited = most_favorited_movie_ids(since=since, limit=limit)
        tmdb = [m for m in movie_ids_by_popularity(limit=limit * 2) if m not in set(favorited)]
        ranked = [(m, POPULAR_WITH_USERS) for m in favorited] + [(m, POPULAR_ON_TMDB) for m in tmdb]
        picks = [
            Pick(movie_id=m, score=round(1 - i / (2 * limit + 1), 4), reason=reason)
            for i, (m, reason) in enumerate(ranked[: limit * 2])
        ]
        cache.set(key, picks, timeout=300)
    return picks


def recommendation_list(*, user: "_User", build_id: int | None) -> list[Pick]:
    """The user's recommendations from this build, best first: neighbours of their favorites
    (read live, so a new favorite counts at once), topped up with popular movies; never one of
    their favorites."""
    limit = recommendations_settings.MAX_RESULTS
    favorites = favorite_movie_ids(user=user)
    rows = neighbour_rows(build_id=build_id, movie_ids=favorites)
    picks = [
        Pick(movie_id=r.item, score=round(r.score, 4), because=r.because)
        for r in rank(rows, favorites, limit=limit)
    ]
    if len(picks) < limit:
        taken = set(favorites) | {p.movie_id for p in picks}
        top_up = [p for p in popular_picks() if p.movie_id not in taken][: limit - len(picks)]
        if picks:  # scaled below the weakest personal pick: the list stays ordered by score
            floor = picks[-1].score
            top_up = [replace(p, score=round(p.score * floor, 4)) for p in top_up]
        picks += top_up
    return picks


def similar_picks(*, movie_id: int) -> list[Pick]:
    """The movies most similar to one movie (its row of the neighbour table)."""
    rows = neighbour_rows(build_id=current_build_id(), movie_ids=[movie_id])
    return [
        Pick(movie_id=neighbour, score=round(score, 4), because=movie_id)
        for _, neighbour, score in sorted(rows, key=lambda row: (-row[2], row[1]))
    ]


def hydrate(
    picks: list[Pick], *, reason: str = "Because you liked {title}"
) -> list[dict[str, Any]]:
    """The catalog's list items of ``picks`` (one query), each with ``score`` and a ``reason``:
    the pick's own, or ``reason`` formatted with the title of the movie it is most similar to."""
    wanted = {p.movie_id for p in picks} | {p.because for p in picks if p.because}
    items = movie_list_items(movie_ids=wanted)
    result = []
    for pick in picks:
        item = items.get(pick.movie_id)
        if item is None:  # deleted since the build
            continue
        because = items.get(pick.because) if pick.because else None
        explained = reason.format(title=because["title"]) if because else POPULAR_ON_TMDB
        result.append({**item, "score": pick.score, "reason": pick.reason or explained})
    return result
