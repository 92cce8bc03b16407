"""Offline evaluation of the recommender on rating files (MovieLens CSV or MovieLens-100K
``u.data``): ratings >= 4 are favorites; each user's latest favorite is the test item and the one
before it the validation item. Models are trained on what precedes the item they are scored on
and rank every movie the user has not favorited. ``tune`` chooses weights on validation only.

No community prior is ever mixed in: the bundled one is built from MovieLens ratings, the very
data evaluated on."""

import csv
import datetime
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from recommendations.engine import Interaction, ItemContent, ModelParams, build_neighbours

FAVORITE_RATING = 4.0
YEAR = re.compile(r"\((\d{4})\)\s*$")
ML100K_GENRES = 19  # u.item: id|title|release date|video release date|IMDb URL|19 genre flags


class RatingsFileError(ValueError):
    """A malformed input file; the message names the file and line."""


@dataclass(frozen=True)
class Rating:
    user: int
    item: int
    rating: float
    timestamp: int


def read_ratings(path: Path, fmt: str) -> list[Rating]:
    """``movielens``: CSV with header userId,movieId,rating,timestamp; ``ml100k``: tab-separated
    user, item, rating, timestamp without header."""
    if fmt not in ("movielens", "ml100k"):
        raise RatingsFileError(f"unknown format {fmt!r}: use movielens or ml100k")
    ratings = []
    # Undecodable bytes become lone surrogates that fail int()/float() below, so a binary or
    # non-UTF-8 file is reported with its line number rather than as a UnicodeDecodeError.
    with path.open(newline="", encoding="utf-8", errors="surrogateescape") as f:
        reader = csv.reader(f, delimiter="," if fmt == "movielens" else "\t")
        for number, row in enumerate(reader, start=1):
            if fmt == "movielens" and number == 1:
                if [c.strip() for c in row[:4]] != ["userId", "movieId", "rating", "timestamp"]:
                    raise RatingsFileError(
                        f"{path}:1: expected the header userId,movieId,rating,timestamp"
                    )
                continue
            if not row:
                continue
            try:
                user, item, rating, timestamp = row
                ratings.append(Rating(int(user), int(item), float(rating), int(timestamp)))
            except ValueError:
                raise RatingsFileError(
                    f"{path}:{number}: expected user, item, rating, timestamp; got {row!r}"
                ) from None
    return ratings


def read_movies(path: Path, fmt: str = "movielens") -> ItemContent:
    """Genres and release years: ``movielens``: ``movies.csv`` (movieId,title,genres), the
    year from the title; ``ml100k``: ``u.item`` (pipe-separated, Latin-1), 19 genre flags and the
    release date (the title's year when it has none)."""
    if fmt == "ml100k":
        return _read_u_item(path)
    names: dict[str, int] = {}
    genres: dict[int, list[int]] = {}
    years: dict[int, int | None] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            try:
                item = int(row["movieId"])
                title, labels = row["title"], row["genres"]
                if title is None or labels is None:  # DictReader fills a short line with None
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                raise RatingsFileError(f"{path}:{number}: expected movieId,title,genres") from None
            genres[item] = [
                names.setdefault(label, len(names))
                for label in labels.split("|")
                if label and label != "(no genres listed)"
            ]
            years[item] = _title_year(title)
    return ItemContent(genres=genres, years=years)


def _read_u_item(path: Path) -> ItemContent:
    genres: dict[int, list[int]] = {}
    years: dict[int, int | None] = {}
    with path.open(newline="", encoding="latin-1") as f:
        for number, row in enumerate(csv.reader(f, delimiter="|"), start=1):
            if not row:
                continue
            try:
                if len(row) != 5 + ML100K_GENRES:
                    raise ValueError
                item, title, released = int(row[0]), row[1], row[2].strip()
                flags = [int(flag) for flag in row[5:]]
                year = datetime.datetime.strptime(released, "%d-%b-%Y").year if released else None
            except ValueError:
                raise RatingsFileError(
                    f"{path}:{number}: expected id|title|release date (01-Jan-1995)|video "
                    f"release date|IMDb URL|{ML100K_GENRES} genre flags (0 or 1)"
                ) from None
            genres[item] = [g for g, flag in enumerate(flags) if flag]
            years[item] = year or _title_year(title)
    return ItemContent(genres=genres, years=years)


def _title_year(title: str) -> int | None:
    match = YEAR.search(title.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Split:
    train: list[tuple[int, int]]  # (user, item)
    test: dict[int, int]  # user -> held-out item
    items: list[int]


def favorites_by_user(ratings: Iterable[Rating]) -> dict[int, list[int]]:
    """Each user's favorites (ratings >= 4), oldest first (ties by item id)."""
    by_user: dict[int, list[Rating]] = defaultdict(list)
    for rating in ratings:
        if rating.rating >= FAVORITE_RATING:
            by_user[rating.user].append(rating)
    return {
        user: [r.item for r in sorted(favorites, key=lambda r: (r.timestamp, r.item))]
        for user, favorites in by_user.items()
    }


def leave_last_out(ratings: Iterable[Rating], *, skip: int = 0) -> Split:
    """Hold out each user's latest favorite (the test split) or, ``skip=1``, the one before it
    (the validation split; the latest is then unseen). Users need one favorite to train on."""
    train: list[tuple[int, int]] = []
    test: dict[int, int] = {}
    for user, favorites in favorites_by_user(ratings).items():
        kept = favorites[: len(favorites) - skip]
        if len(kept) < 2:
            continue
        test[user] = kept[-1]
        train.extend((user, item) for item in kept[:-1])
    items = sorted({item for _, item in train} | set(test.values()))
    return Split(train, test, items)


def sample_users(ratings: Sequence[Rating], fraction: float, seed: int) -> list[Rating]:
    """The ratings of a random ``fraction`` of the users: another data set to check on."""
    users = sorted({r.user for r in ratings})
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(users, size=max(1, round(len(users) * fraction)), replace=False))
    return [r for r in ratings if r.user in chosen]


Ranker = Callable[[int, Sequence[int], int], list[int]]  # (user, their train items, n) -> items


def evaluate(split: Split, ranker: Ranker, catalog_size: int) -> dict[str, float]:
    """HR@10, NDCG@10, Recall@20 (one held-out item: a hit in the top 20) and catalog coverage
    (share of the catalog recommended in someone's top 10)."""
    train_by_user: dict[int, list[int]] = defaultdict(list)
    for user, item in split.train:
        train_by_user[user].append(item)
    hits10 = ndcg10 = hits20 = 0.0
    shown: set[int] = set()
    for user, held_out in split.test.items():
        ranked = ranker(user, train_by_user[user], 20)
        shown.update(ranked[:10])
        if held_out in ranked[:10]:
            hits10 += 1
            ndcg10 += 1 / math.log2(ranked.index(held_out) + 2)
        hits20 += held_out in ranked[:20]
    users = max(len(split.test), 1)
    return {
        "HR@10": hits10 / users,
        "NDCG@10": ndcg10 / users,
        "Recall@20": hits20 / users,
        "coverage@10": len(shown) / max(catalog_size, 1),
    }


def our_ranker(
    split: Split,
    content: ItemContent | None,
    params: ModelParams,
    *,
    plays: Mapping[int, Sequence[int]] | None = None,
    play_weight: float = 0.0,
) -> Ranker:
    """The served model: the neighbour table, each candidate scored by the sum of its rows'
    scores over the user's favorites, as ``engine.rank`` does (ties by movie id), for all users
    at once as a sparse product (``recommend`` per user is the same ranking, tested, but costs
    seconds per trial when tuning).

    ``plays``: each user's watched movies (``watched_before``), as the history app's signals
    are served: never recommended, and with ``play_weight`` > 0 positives of that weight in the
    build and in the user's scores (a favorite weighs 1)."""
    plays = plays or {}
    weighted: list[Interaction] = [(u, i, play_weight) for u, items in plays.items() for i in items]
    train: list[Interaction] = [*split.train, *weighted] if play_weight > 0 else [*split.train]
    # The split's movies, with or without plays: the same candidates in every comparison (a
    # play of a movie no one favorited has no row; it is still never recommended).
    neighbours = build_neighbours(train, split.items, content, params)
    index = {int(item): i for i, item in enumerate(neighbours.item_ids)}
    rows, cols, scores = [], [], []
    for movie, neighbour, score in neighbours.rows():
        rows.append(index[movie])
        cols.append(index[neighbour])
        scores.append(score)
    n = len(index)
    table = sparse.csr_matrix((scores, (rows, cols)), shape=(n, n), dtype=np.float64)
    items = neighbours.item_ids

    def rank(user: int, seen: Sequence[int], n: int) -> list[int]:
        favorites = sorted({index[i] for i in seen if i in index})
        watched = sorted({index[i] for i in plays.get(user, ()) if i in index} - set(favorites))
        seeds = favorites + (watched if play_weight > 0 else [])
        if not seeds:
            return []
        weights = np.r_[np.ones(len(favorites)), np.full(len(seeds) - len(favorites), play_weight)]
        totals = np.asarray(table[seeds].T @ weights).ravel()
        candidates = np.flatnonzero(totals > 0)
        candidates = candidates[~np.isin(candidates, favorites + watched)]
        best = candidates[np.lexsort((items[candidates], -totals[candidates]))[:n]]
        return [int(items[i]) for i in best]

    return rank


def watched_before(ratings: Iterable[Rating], split: Split) -> dict[int, list[int]]:
    """What a watch history would hold for each user of ``split``, derived from the ratings
    (MovieLens has no plays): every movie the user rated below a favorite, rated no later
    than their held-out favorite (no look-ahead). A rating says the movie was seen; its value
    is not used, as a history has none (the favorites are seen too, and positives already)."""
    rows = list(ratings)
    held_at = {
        r.user: r.timestamp
        for r in rows
        if r.rating >= FAVORITE_RATING and split.test.get(r.user) == r.item
    }
    plays: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        if r.rating < FAVORITE_RATING and r.timestamp <= held_at.get(r.user, -1):
            plays[r.user].append(r.item)
    return dict(plays)


def popular_ranker(split: Split) -> Ranker:
    counts: dict[int, int] = defaultdict(int)
    for _, item in split.train:
        counts[item] += 1
    order = sorted(split.items, key=lambda item: (-counts[item], item))

    def rank(user: int, seen: Sequence[int], n: int) -> list[int]:
        banned = set(seen)
        return [item for item in order if item not in banned][:n]

    return rank


def random_ranker(split: Split, seed: int = 42) -> Ranker:
    rng = np.random.default_rng(seed)
    items = np.asarray(split.items)

    def rank(user: int, seen: Sequence[int], n: int) -> list[int]:
        banned = set(seen)
        return [int(i) for i in rng.permutation(items)[: n + len(banned)] if i not in banned][:n]

    return rank


def ease_ranker(split: Split, l2: float = 500.0) -> Ranker:
    """EASE (Steck 2019): B = I - P / diag(P), P = (X^T X + l2 I)^-1; scores = x_u B.

    l2 = 500 was the best of 50/150/500/1000 on MovieLens small (HR@10), a fair reference.
    """
    index = {item: i for i, item in enumerate(split.items)}
    users = sorted({user for user, _ in split.train})
    user_index = {user: i for i, user in enumerate(users)}
    x = np.zeros((len(users), len(index)), dtype=np.float64)
    for user, item in split.train:
        x[user_index[user], index[item]] = 1.0
    gram = x.T @ x
    gram[np.diag_indices_from(gram)] += l2
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0.0
    items = np.asarray(split.items)

    def rank(user: int, seen: Sequence[int], n: int) -> list[int]:
        scores = x[user_index[user]] @ b if user in user_index else np.zeros(len(items))
        scores[[index[i] for i in seen]] = -np.inf
        # argpartition needs n < len(items); seen movies (-inf) are never returned.
        top = np.argpartition(-scores, n)[:n] if n < len(items) else np.arange(len(items))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [int(items[i]) for i in top if scores[i] > -np.inf]

    return rank


def model_table(
    split: Split,
    content: ItemContent | None,
    params: ModelParams,
    *,
    catalog_size: int,
    ease: Mapping[str, float] | None = None,
) -> dict[str, dict[str, float]]:
    """Every model's metrics on ``split`` (``ease``: EASE's, when already computed)."""
    table = {
        "ours": evaluate(split, our_ranker(split, content, params), catalog_size),
        "most-popular": evaluate(split, popular_ranker(split), catalog_size),
        "random": evaluate(split, random_ranker(split), catalog_size),
    }
    table["EASE"] = dict(ease) if ease else evaluate(split, ease_ranker(split), catalog_size)
    return table


# Tuning on the validation split ------------------------------------------------------------

GRID: dict[str, Sequence[float]] = {
    "l2": (100.0, 200.0, 400.0),
    "dropout": (0.0, 0.25),
    "popularity": (0.1, 0.2, 0.3),
}
VALIDATION_FOLDS = 3
HALVES_SEEDS = (2, 3)
SMALL_CATALOG = 1682  # MovieLens 100K's catalog size


@dataclass(frozen=True)
class View:
    """One data set the tuning scores on: its validation folds and the catalog size its
    coverage is counted against."""

    name: str
    validations: list[Split]
    catalog_size: int
    ratings: Sequence[Rating] = ()  # the view's own (its plays, ``watched_before``)


@dataclass(frozen=True)
class Trial:
    params: ModelParams
    scores: dict[str, dict[str, float]]  # view name -> metrics averaged over its folds
    eligible: bool  # coverage@10 at least EASE's on every view
    merit: float  # mean over the views of (HR@10 / EASE's + NDCG@10 / EASE's) / 2


def validation_splits(ratings: Sequence[Rating], folds: int = VALIDATION_FOLDS) -> list[Split]:
    """The validation split (each user's second-latest favorite) and ``folds - 1`` earlier ones
    (the third-latest, ...): more held-out items against the noise of one per user. None of
    them ever sees a test item."""
    return [v for v in (leave_last_out(ratings, skip=s) for s in range(1, folds + 1)) if v.test]


def tuning_views(ratings: Sequence[Rating], catalog_size: int) -> list[View]:
    """What ``tune`` chooses on, all validation folds: the ratings as given, two random halves
    of their users, and the ratings of their ``SMALL_CATALOG`` most rated movies. Weights
    chosen on one data set's validation noise did not carry over to another (issue 16); a
    choice must hold on a smaller community and a smaller catalog too. Views without
    validation users (tiny data) are left out, and so is the small catalog when the data's is
    no larger."""
    views = [View("all", validation_splits(ratings), catalog_size, ratings)]
    for seed in HALVES_SEEDS:
        half = sample_users(ratings, 0.5, seed)
        views.append(View(f"half{seed}", validation_splits(half), catalog_size, half))
    counts = Counter(r.item for r in ratings)
    if len(counts) > SMALL_CATALOG:
        kept = set(sorted(counts, key=lambda item: (-counts[item], item))[:SMALL_CATALOG])
        small = [r for r in ratings if r.item in kept]
        views.append(View(f"top{SMALL_CATALOG}", validation_splits(small), SMALL_CATALOG, small))
    return [view for view in views if view.validations]


def tune(
    views: Sequence[View],
    content: ItemContent | None,
    base: ModelParams,
    *,
    grid: Mapping[str, Sequence[float]] = GRID,
    progress: Callable[[Trial], None] = lambda trial: None,
) -> tuple[list[Trial], Trial, dict[str, dict[str, float]]]:
    """Every combination of ``grid`` (ModelParams field -> values) scored on every view's
    validation folds (metrics averaged over a view's folds); the best is the highest merit
    among those whose coverage@10 is at least EASE's on every view (the highest merit if none
    is). Returns the trials, the best, and EASE's validation scores per view."""
    ease = {view.name: _view_scores(view, ease_ranker) for view in views}
    trials = []
    for values in itertools.product(*grid.values()):
        chosen: dict[str, Any] = dict(zip(grid, values, strict=True))
        params = replace(base, **chosen)
        scores = {
            view.name: _view_scores(view, partial(our_ranker, content=content, params=params))
            for view in views
        }
        merits = [_merit(scores[name], ease[name]) for name in scores]
        eligible = all(scores[n]["coverage@10"] >= ease[n]["coverage@10"] for n in scores)
        trial = Trial(params, scores, eligible, sum(merits) / len(merits))
        progress(trial)
        trials.append(trial)
    pool = [t for t in trials if t.eligible] or trials
    return trials, max(pool, key=lambda t: t.merit), ease


def _view_scores(view: View, ranker: Callable[[Split], Ranker]) -> dict[str, float]:
    """A ranker's metrics on a view, averaged over its folds."""
    return _mean([evaluate(v, ranker(v), view.catalog_size) for v in view.validations])


def _merit(scores: Mapping[str, float], ease: Mapping[str, float]) -> float:
    return (_ratio(scores, ease, "HR@10") + _ratio(scores, ease, "NDCG@10")) / 2


def _mean(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    return {metric: sum(run[metric] for run in runs) / len(runs) for metric in runs[0]}


def _ratio(a: Mapping[str, float], b: Mapping[str, float], metric: str) -> float:
    return a[metric] / b[metric] if b[metric] else 0.0


# The weight of a watched movie (the history app's HISTORY['SIGNAL_WEIGHT']) -----------------

PLAY_WEIGHTS = (0.0, 0.1, 0.25, 0.5, 1.0)  # 0: watched movies excluded, not positives


@dataclass(frozen=True)
class PlayTrial:
    weight: float | None  # None: plays ignored (as served before the history)
    scores: dict[str, dict[str, float]]  # view name -> metrics averaged over its folds
    merit: float  # mean over the views of (HR@10 + NDCG@10 over plays ignored) / 2


def tune_play_weight(
    views: Sequence[View],
    content: ItemContent | None,
    params: ModelParams,
    *,
    weights: Sequence[float] | None = None,
    progress: Callable[[PlayTrial], None] = lambda trial: None,
) -> tuple[list[PlayTrial], PlayTrial]:
    """Each weight of a watched movie (``weights``, default ``PLAY_WEIGHTS``) scored on every
    view's validation folds, each fold's plays derived before its held-out items
    (``watched_before``), against plays ignored; the best is the weight of highest merit
    (plays ignored is the reference, merit 1)."""

    def scores(weight: float | None) -> dict[str, dict[str, float]]:
        found = {}
        for view in views:
            runs = []
            for fold in view.validations:
                plays = None if weight is None else watched_before(view.ratings, fold)
                ranker = our_ranker(fold, content, params, plays=plays, play_weight=weight or 0.0)
                runs.append(evaluate(fold, ranker, view.catalog_size))
            found[view.name] = _mean(runs)
        return found

    base = scores(None)
    ignored = PlayTrial(None, base, 1.0)
    progress(ignored)
    trials = [ignored]
    for weight in PLAY_WEIGHTS if weights is None else weights:
        found = scores(weight)
        merits = [_merit(found[name], base[name]) for name in found]
        trial = PlayTrial(weight, found, sum(merits) / len(merits))
        progress(trial)
        trials.append(trial)
    return trials, max(trials[1:], key=lambda t: t.merit)
