"""Film matching benchmark (imports.matching): 5,000 Letterboxd rows against the demo catalog,
without TMDB (`make run`'s case), and, given the source data, how right the title rules are.

    python -m bench.matching                     # SQLite file, demo catalog
    python -m bench.matching --database postgres://postgres@127.0.0.1:5432/mydb
    python -m bench.matching --validate ../shared/data
    python -m bench.matching --extra-movies 1000000    # a catalog of a million more films

Speed: the rows are demo movies drawn at random (seeded), named as Letterboxd names them (the
title without the original title MovieLens adds in parentheses, so both title paths run), plus
1% invented films; ``match_films`` is timed once cold, with its query count.

``--validate DIR`` (DIR holding ``tmdb-movies-dataset/movies.csv`` and ``movielens-small/``)
matches every demo movie TMDB's data covers by TMDB's title and year (what Letterboxd shows):
right, wrong, unmatched; then with the MovieLens year (what the demo keeps for the movies TMDB's
data misses) on the movies where it differs, with and without the one-year tolerance; then with
1,500 of those movies removed from the catalog, where every match is wrong.
"""

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import common

ROWS = 5000
SEED = 28


def letterboxd_refs(count: int) -> tuple[list[Any], dict[Any, int]]:
    """``count`` refs as a Letterboxd export names demo movies, and the TMDB id each means
    (invented ones: none)."""
    from catalog.models import Movie
    from imports.matching import FilmRef, title_names

    movies = list(
        Movie.objects.filter(tmdb_id__lt=10_000_000).values_list("tmdb_id", "title", "release_year")
    )
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not security)
    refs: dict[Any, int] = {}
    for tmdb_id, title, year in rng.sample(movies, count - count // 100):
        refs[FilmRef(title=title_names(title)[0], year=year)] = tmdb_id
    invented = [FilmRef(title=f"Glass Orchard {n}", year=2023) for n in range(count // 100)]
    return [*refs, *invented], refs


def extra_movies_add(count: int) -> None:
    """``count`` more movies, none a demo title, of years 1900-2025, as a big TMDB catalog."""
    from catalog.models import Movie

    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not security)
    for start in range(0, count, 20_000):
        Movie.objects.bulk_create(
            Movie(
                tmdb_id=10_000_000 + n,
                title=f"Other film {n}",
                release_year=rng.randint(1900, 2025),
            )
            for n in range(start, min(count, start + 20_000))
        )


def speed() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Movie
    from imports.matching import Unmatched, match_films

    refs, truth = letterboxd_refs(ROWS)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        found = match_films(refs, client=None)
        seconds = time.perf_counter() - started
    by_pk = dict(Movie.objects.values_list("pk", "tmdb_id"))
    outcome = Counter(
        value.reason if isinstance(value, Unmatched) else
        "right" if by_pk[value] == truth.get(ref) else "wrong"
        for ref, value in found.items()
    )  # fmt: skip
    print(
        f"match_films: {len(refs):,} Letterboxd rows, {Movie.objects.count():,} movies, "
        f"{connection.vendor}: {seconds:.2f} s, {len(queries)} queries; {dict(outcome)}"
    )


def validate(data: Path) -> None:
    from catalog.models import Movie
    from catalog.services import demo_catalog_load
    from imports.matching import FilmRef, Unmatched, match_films

    Movie.objects.all().delete()
    demo_catalog_load()
    by_pk = dict(Movie.objects.values_list("pk", "tmdb_id"))
    with (data / "tmdb-movies-dataset" / "movies.csv").open(encoding="utf-8") as f:
        tmdb = [row for row in csv.DictReader(f) if row["release_date"]]
    with (data / "movielens-small" / "movies.csv").open(encoding="utf-8") as f:
        ml_titles = {row["movieId"]: row["title"] for row in csv.DictReader(f)}
    with (data / "movielens-small" / "links.csv").open(encoding="utf-8") as f:
        ml_ids = {row["tmdbId"]: row["movieId"] for row in csv.DictReader(f)}

    def score(label: str, refs: dict[Any, int]) -> None:
        found = match_films(list(refs), client=None)
        outcome = Counter(
            value.reason if isinstance(value, Unmatched) else
            "right" if by_pk.get(value) == refs[ref] else "wrong"
            for ref, value in found.items()
        )  # fmt: skip
        print(f"{label}: {len(refs):,} rows {dict(outcome)}")

    def ref(row: dict[str, str], name: str = "title") -> Any:
        return FilmRef(title=row[name], year=int(row["release_date"][:4]))

    score("TMDB title + year", {ref(row): int(row["tmdb_id"]) for row in tmdb})
    score(
        "original title + year", {ref(row, "original_title"): int(row["tmdb_id"]) for row in tmdb}
    )
    off = []  # the movies whose MovieLens year is not TMDB's: give them the MovieLens year
    for row in tmdb:
        found = re.search(r"\((\d{4})\)\s*$", ml_titles.get(ml_ids.get(row["tmdb_id"], ""), ""))
        if found and int(found[1]) != int(row["release_date"][:4]):
            off.append(row)
            Movie.objects.filter(tmdb_id=int(row["tmdb_id"])).update(
                release_year=int(found[1]), release_date=None
            )
    score("catalog with MovieLens years, those rows", {ref(r): int(r["tmdb_id"]) for r in off})
    gone = random.Random(SEED).sample(tmdb, 1500)  # noqa: S311 (a sample, not security)
    Movie.objects.filter(tmdb_id__in=[int(row["tmdb_id"]) for row in gone]).delete()
    score("films absent from the catalog (any match is wrong)", {ref(r): 0 for r in gone})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--validate", type=Path, metavar="DIR", help="the source data")
    parser.add_argument("--extra-movies", type=int, default=0, help="films added to the demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        common.setup_django(database=args.database or f"sqlite:///{Path(tmp) / 'm.sqlite3'}")
        sys.path.insert(0, str(common.ROOT / "src" / "imports"))  # until the app is installed
        from catalog.models import Movie
        from catalog.services import demo_catalog_load

        if not Movie.objects.filter(tmdb_id__lt=10_000_000).exists():
            demo_catalog_load()
        if args.extra_movies and not Movie.objects.filter(tmdb_id__gte=10_000_000).exists():
            extra_movies_add(args.extra_movies)
        speed()
        if args.validate:
            validate(args.validate)


if __name__ == "__main__":
    main()
