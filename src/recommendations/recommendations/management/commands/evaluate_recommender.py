import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations import evaluation
from recommendations.services import model_params

METRICS = ["HR@10", "NDCG@10", "Recall@20", "coverage@10"]


class Command(BaseCommand):
    help = (
        "Evaluate the recommender offline on MovieLens ratings: ratings >= 4 are favorites, each "
        "user's latest favorite is held out; prints HR@10, NDCG@10, Recall@20 and coverage for "
        "our model (the code and settings the API serves), most-popular, random and EASE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ratings", type=Path, required=True, help="ratings.csv or u.data")
        parser.add_argument(
            "--movies", type=Path, help="MovieLens movies.csv, for genres and years (content)"
        )
        parser.add_argument("--format", choices=["movielens", "ml100k"], default="movielens")

    def handle(self, *args, ratings: Path, movies: Path | None, format: str, **options):
        started = time.perf_counter()
        try:
            split = evaluation.leave_last_out(evaluation.read_ratings(ratings, format))
            content = evaluation.read_movies(movies) if movies else None
        except (OSError, evaluation.RatingsFileError) as exc:
            raise CommandError(str(exc)) from exc
        if not split.test:
            raise CommandError("No user has 2 or more favorites (ratings >= 4): nothing to test.")
        catalog_size = len(content.genres) if content else len(split.items)
        table = evaluation.model_table(split, content, model_params(), catalog_size=catalog_size)
        self.stdout.write(
            f"{len(split.test)} users, {len(split.train)} training favorites, "
            f"{catalog_size} movies; held out: each user's latest favorite\n"
        )
        self.stdout.write(f"{'model':<14}" + "".join(f"{m:>13}" for m in METRICS))
        for name, scores in table.items():
            self.stdout.write(f"{name:<14}" + "".join(f"{scores[m]:>13.4f}" for m in METRICS))
        ours, popular, ease = table["ours"], table["most-popular"], table["EASE"]
        for metric in ("HR@10", "NDCG@10"):
            self.stdout.write(f"ours / most-popular {metric}: {_ratio(ours, popular, metric)}")
        self.stdout.write(f"ours / EASE HR@10: {_ratio(ours, ease, 'HR@10')}")
        self.stdout.write(f"({time.perf_counter() - started:.1f}s)")


def _ratio(a: dict, b: dict, metric: str) -> str:
    return f"{a[metric] / b[metric]:.2f}x" if b[metric] else "n/a"
