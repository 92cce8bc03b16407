"""Serving: a few indexed queries (the user's favorites, their neighbours, the page's movies)
plus in-memory scoring by ``recommendations.engine.recommend``."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from catalog.items import list_item_fields, movie_list_items
from catalog.selectors import movie_ids_by_popularity
from core.user_lists import export_rows, newest_with_movies, user_ids_for_movies
from favorites.selectors import favorite_movie_ids, most_favorited_movie_ids
from recommendations.conf import recommendations_settings
from recommendations.engine import NeighbourArrays, rank
from recommendations.models import HiddenMovie, NeighbourList, RecommenderBuild
from recommendations.packing import unpack
from recommendations.sources import user_signals

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


def last_build_at() -> datetime.datetime | None:
    """When the newest neighbour-table build completed (``METRICS_LAST_SUCCESS``)."""
    build = RecommenderBuild.objects.filter(completed_at__isnull=False).order_by("-id").first()
    return build.completed_at if build else None


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


def neighbour_lists(*, build_id: int | None, movie_ids: list[int]) -> dict[int, NeighbourArrays]:
    """{movie: (neighbour ids, scores)} of these movies in the build: one indexed query, a row
    per movie."""
    if not (build_id and movie_ids):
        return {}
    rows = NeighbourList.objects.filter(build_id=build_id, movie_id__in=movie_ids)
    return {
        movie: unpack(neighbours, scores)
        for movie, neighbours, scores in rows.values_list("movie_id", "neighbours", "scores")
    }


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
    and of the movies their signals weigh > 0 (``RECOMMENDATIONS['USER_SIGNALS']``: liked
    ratings, watched movies), each counted with its weight, read live so a change counts at
    once, topped up with popular movies; never a movie they keep (favorites, watchlist, rated,
    watched) or hid."""
    limit = recommendations_settings.MAX_RESULTS
    favorites = favorite_movie_ids(user=user)
    signals = user_signals(user_id=user.pk)
    weights = dict.fromkeys(favorites, 1.0)  # a movie's largest weight (a favorite's: 1)
    for movie_id, weight in signals:
        if weight > weights.get(movie_id, 0.0):
            weights[movie_id] = weight
    seeds = list(weights)  # favorites first, then the signals in their sources' order
    known = {*hidden_movie_ids(user_id=user.pk), *(m for m, _ in signals)}
    lists = neighbour_lists(build_id=build_id, movie_ids=seeds)
    picks = [
        Pick(movie_id=r.item, score=round(r.score, 4), because=r.because)
        for r in rank(lists, seeds, limit=limit, exclude=known, weights=weights)
    ]
    if len(picks) < limit:
        taken = set(seeds) | known | {p.movie_id for p in picks}
        top_up = [p for p in popular_picks() if p.movie_id not in taken][: limit - len(picks)]
        if picks:  # scaled below the weakest personal pick: the list stays ordered by score
            floor = picks[-1].score
            top_up = [replace(p, score=round(p.score * floor, 4)) for p in top_up]
        picks += top_up
    return picks


def similar_picks(*, movie_id: int) -> list[Pick]:
    """The movies most similar to one movie (its row of the neighbour table): the same for
    everyone, so publicly cached; hiding a movie concerns the user's own recommendations."""
    lists = neighbour_lists(build_id=current_build_id(), movie_ids=[movie_id])
    if movie_id not in lists:
        return []
    ids, scores = lists[movie_id]
    order = np.lexsort((ids, -scores))  # best first, ties by id
    return [
        Pick(movie_id=int(ids[i]), score=round(float(scores[i]), 4), because=movie_id)
        for i in order.tolist()
    ]


def hidden_movie_ids(*, user_id: int) -> set[int]:
    """The movies the user hid from their recommendations."""
    rows = HiddenMovie.objects.filter(user_id=user_id).order_by()
    return set(rows.values_list("movie_id", flat=True))


def hidden_list(*, user_id: int) -> QuerySet[HiddenMovie]:
    """The user's hidden movies, latest first, each with the movie fields a list item shows."""
    mine = HiddenMovie.objects.filter(user_id=user_id)
    return newest_with_movies(mine, at="hidden_at", movie_fields=list_item_fields("movie"))


def hidden_states(*, user: "_User", movie_ids: list[int]) -> dict[int, bool]:
    """``{movie id: True}`` for those of these movies the user hid
    (``ACCOUNTS['ACCOUNT_STATES']``): one query."""
    rows = HiddenMovie.objects.filter(user=user, movie_id__in=movie_ids).order_by()
    return dict.fromkeys(rows.values_list("movie_id", flat=True), True)


def hidden_export(*, user: "_User") -> dict[str, list[dict[str, object]]]:
    """The movies the user hid, oldest first (``ACCOUNTS['EXPORTERS']``)."""
    return {"hidden_movies": export_rows(HiddenMovie.objects.filter(user=user), at="hidden_at")}


def hidden_user_ids_for_movies(*, movie_ids: Iterable[int]) -> set[int]:
    """Users who hid any of these movies."""
    return user_ids_for_movies(HiddenMovie.objects.all(), movie_ids=movie_ids)


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
