"""Building the neighbour table from everyone's favorites (``manage.py build_recommendations``),
and the movies a user hides from their recommendations ("not interested").

A build writes its rows under a new build id and becomes current only once they are committed;
readers keep using the previous build meanwhile. One previous build is kept (processes may
still name it briefly); older ones are deleted.
"""

import csv
import gzip
import hashlib
import json
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from catalog.selectors import (
    movie_content_features,
    movie_exists,
    movie_ids_by_tmdb_id,
    movie_overviews,
)
from core.user_lists import delete_one
from favorites.selectors import favorite_pairs
from recommendations.conf import prior_path, recommendations_settings
from recommendations.engine import (
    Interaction,
    ItemContent,
    ModelParams,
    Neighbours,
    build_neighbours,
)
from recommendations.models import HiddenMovie, NeighbourList, RecommenderBuild
from recommendations.packing import pack
from recommendations.selectors import CURRENT_BUILD_KEY, CURRENT_BUILD_TIMEOUT
from recommendations.sources import build_positives

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


class MovieNotFound(ObjectDoesNotExist):
    """No such movie to hide (answered 404, as for any unknown URL id)."""


INPUTS_DIGEST = "inputs_digest"


def model_params() -> ModelParams:
    s = recommendations_settings
    return ModelParams(
        k=s.NEIGHBOURS, linear_items=s.LINEAR_ITEMS, l2=s.L2, dropout=s.DROPOUT,
        popularity=s.POPULARITY, alpha=s.ALPHA, shrink=s.SHRINK, content_weight=s.CONTENT_WEIGHT,
        content_fade=s.CONTENT_FADE, era_years=s.ERA_YEARS,
    )  # fmt: skip


def interactions() -> Iterator[Interaction]:
    """The build's input: (user, movie, weight) for every favorite (weight 1) and every
    positive of the installed apps' signals (``RECOMMENDATIONS['BUILD_SIGNALS']``: ratings'
    liked movies weigh 1, watched movies ``HISTORY['SIGNAL_WEIGHT']``); the engine keeps a
    user's largest weight for a movie."""
    favorites = ((user, movie, 1.0) for user, movie in favorite_pairs())
    return chain(favorites, build_positives())


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build reads, read once: what ``build_inputs_digest`` fingerprints is then
    exactly what the build computes from."""

    movie_ids: list[int]
    years: dict[int, int | None]
    genres: dict[int, list[int]]
    overviews: dict[int, str]
    interactions: list[Interaction]


def build_inputs() -> BuildInputs:
    movie_ids, years, genres = movie_content_features()
    return BuildInputs(movie_ids, years, genres, movie_overviews(), list(interactions()))


def neighbour_table_build(
    inputs: BuildInputs | None = None,
    *,
    log: Callable[[str], None] = lambda message: None,
    on_progress: Callable[[int], object] = lambda movies: None,
) -> RecommenderBuild:
    """Compute every movie's top-k neighbours from ``inputs`` (read now if None) and make them
    the served table (``on_progress``: called with each block's number of movies done)."""
    started = time.perf_counter()
    params = model_params()
    inputs = inputs or build_inputs()
    movie_ids, pairs, overviews = inputs.movie_ids, inputs.interactions, inputs.overviews
    log(f"read {len(movie_ids)} movies and {len(pairs)} favorites ({len(overviews)} movies with "
        "an overview)")  # fmt: skip
    prior, prior_weight = community_prior(site_favorites=len(pairs))
    if prior:
        log(f"community prior: {len(prior)} favorites, weight {prior_weight:.3f}")
    neighbours = build_neighbours(
        pairs, movie_ids, ItemContent(inputs.genres, inputs.years, overviews), params,
        prior=prior, prior_weight=prior_weight, on_progress=on_progress,
    )  # fmt: skip
    log(f"computed neighbours in {time.perf_counter() - started:.1f}s")
    build_params: dict[str, object] = dict(params.__dict__)
    if prior:
        build_params.update(prior_favorites=len(prior), prior_weight=prior_weight)
    build = RecommenderBuild.objects.create(
        movies=len(movie_ids), favorites=len(pairs), params=build_params
    )
    with transaction.atomic():
        build.pairs = _write(build.pk, neighbours)
        if connection.vendor == "postgresql":
            # Fresh statistics before the switch: without them the planner expects one row for
            # the new build_id and may scan all of its rows for every request.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {NeighbourList._meta.db_table}")
        build.completed_at = timezone.now()
        build.seconds = time.perf_counter() - started
        build.save(update_fields=["pairs", "completed_at", "seconds"])
    cache.set(CURRENT_BUILD_KEY, build.pk, timeout=CURRENT_BUILD_TIMEOUT)
    # Keep the previous build's rows a while: a process may still name it for up to
    # CURRENT_BUILD_TIMEOUT seconds. Older ones (and failed builds) go.
    previous = RecommenderBuild.objects.filter(pk__lt=build.pk, completed_at__isnull=False).first()
    keep = previous.pk if previous else build.pk
    NeighbourList.objects.filter(build_id__lt=keep).delete()
    RecommenderBuild.objects.filter(pk__lt=build.pk).exclude(pk=keep).delete()
    log(f"wrote {build.pairs} neighbour pairs; build {build.pk} is current")
    return build


def build_inputs_digest(inputs: BuildInputs) -> str:
    """A fingerprint of everything a build reads: the settings, ``inputs`` (every movie's
    content features, every interaction) and the prior file. Equal digests mean a new build
    would compute the same table (``build_recommendations --if-stale`` compares it with the
    served build's)."""
    s = recommendations_settings
    digest = hashlib.sha256()
    digest.update(
        json.dumps({**s.defaults, **s.user_settings}, sort_keys=True, default=str).encode()
    )
    for movie in sorted(inputs.movie_ids):
        features = (movie, inputs.years[movie], sorted(inputs.genres.get(movie, [])),
                    inputs.overviews.get(movie, ""))  # fmt: skip
        digest.update(json.dumps(features).encode())
    triples = sorted(inputs.interactions)
    digest.update(array("d", (value for triple in triples for value in triple)).tobytes())
    if s.PRIOR_FILE:
        digest.update(prior_path(s.PRIOR_FILE).read_bytes())
    return digest.hexdigest()


def served_build_digest() -> str | None:
    """The inputs digest the served build recorded (None: no build, or one made without it)."""
    build = RecommenderBuild.objects.filter(completed_at__isnull=False).first()
    return build.params.get(INPUTS_DIGEST) if build else None


def record_inputs_digest(build: RecommenderBuild, digest: str) -> None:
    build.params = {**build.params, INPUTS_DIGEST: digest}
    build.save(update_fields=["params"])


def neighbour_table_rebuild(
    *,
    if_stale: bool = False,
    log: Callable[[str], None] = lambda message: None,
    on_progress: Callable[[int], object] = lambda movies: None,
) -> RecommenderBuild | None:
    """Build the table and record the digest of what it was built from; with ``if_stale``,
    only if that digest differs from the served build's (None: up to date, not rebuilt). The
    ``build_recommendations`` command and beat's ``build_if_stale`` task run it."""
    inputs = build_inputs()  # read once: the digest recorded is that of what the build read
    digest = build_inputs_digest(inputs)
    if if_stale and digest == served_build_digest():
        return None
    build = neighbour_table_build(inputs, log=log, on_progress=on_progress)
    record_inputs_digest(build, digest)
    return build


def community_prior(*, site_favorites: int) -> tuple[list[tuple[int, int]], float]:
    """The (prior user, movie id) favorites of ``RECOMMENDATIONS['PRIOR_FILE']`` mapped to the
    catalog by TMDB id, and their weight: ``PRIOR_WEIGHT``, halved at ``PRIOR_FADE`` site
    favorites and fading further as they grow. No file: no prior."""
    s = recommendations_settings
    if not s.PRIOR_FILE or s.PRIOR_WEIGHT <= 0:
        return [], 0.0
    path = prior_path(s.PRIOR_FILE)
    ids = movie_ids_by_tmdb_id()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as f:
        prior = [
            (int(row["user_id"]), ids[int(row["tmdb_id"])])
            for row in csv.DictReader(f)
            if int(row["tmdb_id"]) in ids
        ]
    weight = float(s.PRIOR_WEIGHT) * s.PRIOR_FADE / (s.PRIOR_FADE + site_favorites)
    return prior, weight


def _write(build_id: int, neighbours: Neighbours, *, batch: int = 2000) -> int:
    """One packed row per movie with neighbours (``bulk_create`` in batches: 50,000 rows for a
    catalog of 50,000, against 5 million rows of one pair each); returns the pairs written."""
    pairs = 0
    rows = []
    for movie, ids, scores in neighbours.lists():
        packed_ids, packed_scores = pack(ids, scores)
        rows.append(NeighbourList(build_id=build_id, movie_id=movie, neighbours=packed_ids,
                                  scores=packed_scores))  # fmt: skip
        pairs += len(ids)
        if len(rows) == batch:
            NeighbourList.objects.bulk_create(rows)
            rows = []
    NeighbourList.objects.bulk_create(rows)
    return pairs


@transaction.atomic
def movie_hide(*, user: "_User", movie_id: int) -> None:
    """Hide the movie from the user's recommendations; already hidden: nothing changes.
    ``MovieNotFound`` for an unknown movie, ``ValidationError`` past the limit."""
    if not movie_exists(movie_id=movie_id):
        raise MovieNotFound
    mine = HiddenMovie.objects.filter(user_id=user.pk)
    if mine.filter(movie_id=movie_id).exists():
        return
    if mine.count() >= recommendations_settings.MAX_HIDDEN_PER_USER:
        raise ValidationError(
            f"You cannot hide more than {recommendations_settings.MAX_HIDDEN_PER_USER} movies."
        )
    # get_or_create: a concurrent hide of the same movie that committed first is found again.
    HiddenMovie.objects.get_or_create(user=user, movie_id=movie_id)


@transaction.atomic
def movie_restore(*, user: "_User", movie_id: int) -> None:
    """Show the movie in the user's recommendations again; ``HiddenMovie.DoesNotExist`` if they
    had not hidden it."""
    # movie__pk: an id out of the column's range is no row, not a database error.
    delete_one(HiddenMovie.objects.filter(user=user, movie__pk=movie_id))
