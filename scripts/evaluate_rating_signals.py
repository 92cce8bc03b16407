"""What ratings as signals do to the recommender, on MovieLens: the protocol of
``manage.py evaluate_recommender`` (ratings >= 4 of 5 are favorites, each user's latest one held
out), with the served engine (``build_neighbours``, ``recommend``) and its default parameters,
and a user's other ratings given before the held-out favorite as the site's ratings would be:
excluded, and the liked ones (>= --liked, of 5) as positives in the build and/or as seeds.

    .venv/bin/python scripts/evaluate_rating_signals.py --ratings ratings.csv --movies movies.csv

A one-off until the rewritten evaluation takes signals (docs/recommendations.md); no Django.
"""

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src" / "recommendations")]

from recommendations import evaluation  # noqa: E402  (after the path above)
from recommendations.engine import ModelParams, build_neighbours, recommend  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=Path, required=True, help="MovieLens ratings.csv")
    parser.add_argument("--movies", type=Path, required=True, help="MovieLens movies.csv")
    parser.add_argument("--liked", type=float, default=3.5, help="of 5 (RATINGS LIKED_AT / 2)")
    args = parser.parse_args()
    ratings = evaluation.read_ratings(args.ratings, "movielens")
    content = evaluation.read_movies(args.movies)
    split = evaluation.leave_last_out(ratings)
    by_user = defaultdict(list)
    for rating in ratings:
        by_user[rating.user].append(rating)
    held_at = {
        user: next(r.timestamp for r in by_user[user] if r.item == item and r.rating >= 4)
        for user, item in split.test.items()
    }
    # A user's ratings below a favorite, given before the held-out one (no look-ahead).
    rated = {
        user: [r for r in rows if r.rating < 4 and r.timestamp <= held_at.get(user, r.timestamp)]
        for user, rows in by_user.items()
    }
    liked = {user: [r.item for r in rows if r.rating >= args.liked] for user, rows in rated.items()}
    known = {user: {r.item for r in rows} for user, rows in rated.items()}
    liked_pairs = [(user, item) for user, items in liked.items() for item in items]
    train_by_user = defaultdict(list)
    for user, item in split.train:
        train_by_user[user].append(item)

    def seeds(with_liked: bool):
        return lambda user: train_by_user[user] + (liked.get(user, []) if with_liked else [])

    runs = [
        ("favorites only", split.train, seeds(False), False),
        ("+ rated excluded", split.train, seeds(False), True),
        ("+ liked in build and seeds", split.train + liked_pairs, seeds(True), True),
        ("+ liked in the build only", split.train + liked_pairs, seeds(False), True),
        ("+ liked as seeds only", split.train, seeds(True), True),
    ]
    for name, train, seeds_of, exclude in runs:
        started = time.perf_counter()
        items = sorted(set(split.items) | {item for _, item in train})
        table = build_neighbours(train, items, content, ModelParams()).as_mapping()

        def rank(user, seen, n, table=table, seeds_of=seeds_of, exclude=exclude):
            banned = known.get(user, set()) if exclude else set()
            return [r.item for r in recommend(table, seeds_of(user), limit=n, exclude=banned)]

        scores = evaluation.evaluate(split, rank, len(content.genres))
        figures = "  ".join(f"{metric} {value:.4f}" for metric, value in scores.items())
        print(f"{name:<28} {figures}  ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
