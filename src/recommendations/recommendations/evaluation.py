"""Offline evaluation of the recommender on rating files (MovieLens CSV or MovieLens-100K
``u.data``): ratings >= 4 are favorites, each user's latest favorite is held out, models are
trained on the rest and rank every movie the user has not favorited."""

import csv
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recommendations.engine import ItemContent, ModelParams, build_neighbours, recommend

FAVORITE_RATING = 4.0
YEAR = re.compile(r"\((\d{4})\)\s*$")


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


def read_movies(path: Path) -> ItemContent:
    """MovieLens ``movies.csv`` (movieId,title,genres): genres by name, year from the title."""
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
            match = YEAR.search(title.strip())
            years[item] = int(match.group(1)) if match else None
    return ItemContent(genres=genres, years=years)


@dataclass(frozen=True)
class Split:
    train: list[tuple[int, int]]  # (user, item)
    test: dict[int, int]  # user -> held-out item
    items: list[int]


def leave_last_out(ratings: Iterable[Rating]) -> Split:
    by_user: dict[int, list[Rating]] = defaultdict(list)
    for rating in ratings:
        if rating.rating >= FAVORITE_RATING:
            by_user[rating.user].append(rating)
    train: list[tuple[int, int]] = []
    test: dict[int, int] = {}
    for user, favorites in by_user.items():
        favorites.sort(key=lambda r: (r.timestamp, r.item))
        if len(favorites) < 2:
            continue
        test[user] = favorites[-1].item
        train.extend((user, r.item) for r in favorites[:-1])
    items = sorted({item for _, item in train} | set(test.values()))
    return Split(train, test, items)


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


def our_ranker(split: Split, content: ItemContent | None, params: ModelParams) -> Ranker:
    table = build_neighbours(split.train, split.items, content, params).as_mapping()

    def rank(user: int, seen: Sequence[int], n: int) -> list[int]:
        return [r.item for r in recommend(table, seen, limit=n)]

    return rank


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
    split: Split, content: ItemContent | None, params: ModelParams, *, catalog_size: int
) -> Mapping[str, dict[str, float]]:
    rankers = {
        "ours": our_ranker(split, content, params),
        "most-popular": popular_ranker(split),
        "random": random_ranker(split),
        "EASE": ease_ranker(split),
    }
    return {name: evaluate(split, ranker, catalog_size) for name, ranker in rankers.items()}
