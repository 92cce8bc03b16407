"""Build the bundled demo catalog from MovieLens ml-latest-small.

    python scripts/build_demo_catalog.py ../shared/data/movielens-small src/catalog/catalog/demo

Writes movies.csv (tmdb_id, title, year, genre_ids) and genres.csv (TMDB's genre ids and names),
and copies the dataset's README (its license) and SOURCE next to them. Nothing is invented: a
MovieLens genre without a TMDB counterpart (IMAX, Film-Noir) is dropped, a missing year stays empty.
"""

import csv
import re
import shutil
import sys
from pathlib import Path

# TMDB's movie genres (GET /genre/movie/list), the ids the catalog uses.
TMDB_GENRES = {
    28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy", 80: "Crime",
    99: "Documentary", 18: "Drama", 10751: "Family", 14: "Fantasy", 36: "History",
    27: "Horror", 10402: "Music", 9648: "Mystery", 10749: "Romance", 878: "Science Fiction",
    10770: "TV Movie", 53: "Thriller", 10752: "War", 37: "Western",
}  # fmt: skip
MOVIELENS_TO_TMDB = {
    "Action": 28, "Adventure": 12, "Animation": 16, "Children": 10751, "Comedy": 35,
    "Crime": 80, "Documentary": 99, "Drama": 18, "Fantasy": 14, "Horror": 27,
    "Musical": 10402, "Mystery": 9648, "Romance": 10749, "Sci-Fi": 878, "Thriller": 53,
    "War": 10752, "Western": 37,
}  # fmt: skip
YEAR = re.compile(r"\s*\((\d{4})(?:[-\u2013]\d{0,4})?\)\s*$")  # "(1995)", "(2006-2007)"
ARTICLE = re.compile(r"^(.*), (The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El|Los|Las)$")


def split_title(raw: str) -> tuple[str, int | None]:
    """'American President, The (1995)' -> ('The American President', 1995)."""
    match = YEAR.search(raw)
    year = int(match.group(1)) if match else None
    title = raw[: match.start()] if match else raw.strip()
    main, paren, rest = title.partition(" (")  # keep alternative titles in parentheses as they are
    article = ARTICLE.match(main)
    if article:
        sep = "" if article.group(2).endswith("'") else " "
        main = f"{article.group(2)}{sep}{article.group(1)}"
    return f"{main}{paren}{rest}".strip(), year


def build(source: Path, target: Path) -> tuple[int, int]:
    links = {}
    with (source / "links.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["tmdbId"].strip():
                links[row["movieId"]] = int(row["tmdbId"])
    seen: set[int] = set()
    rows = []
    skipped = 0
    with (source / "movies.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            tmdb_id = links.get(row["movieId"])
            if tmdb_id is None or tmdb_id in seen:
                skipped += 1
                continue
            seen.add(tmdb_id)
            title, year = split_title(row["title"])
            genre_ids = sorted(
                {MOVIELENS_TO_TMDB[g] for g in row["genres"].split("|") if g in MOVIELENS_TO_TMDB}
            )
            rows.append([tmdb_id, title, year or "", " ".join(map(str, genre_ids))])
    target.mkdir(parents=True, exist_ok=True)
    with (target / "movies.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["tmdb_id", "title", "year", "genre_ids"])
        writer.writerows(rows)
    with (target / "genres.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name"])
        writer.writerows(sorted(TMDB_GENRES.items()))
    shutil.copyfile(source / "README.txt", target / "LICENSE-MovieLens.txt")
    shutil.copyfile(source / "SOURCE.txt", target / "SOURCE-MovieLens.txt")
    return len(rows), skipped


if __name__ == "__main__":
    written, skipped = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{written} movies written, {skipped} skipped (no or duplicate TMDB id)")
