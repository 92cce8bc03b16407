"""Build the bundled demo catalog from MovieLens ml-latest-small and TMDB metadata.

    python scripts/build_demo_catalog.py ../shared/data/movielens-small src/catalog/catalog/demo \
        --tmdb ../shared/data/tmdb-movies-dataset --prior src/recommendations/recommendations/prior

Writes movies.csv (tmdb_id, imdb_id, title, year, genre_ids, release_date, overview, poster_path,
runtime, vote_average, vote_count, popularity) and genres.csv (TMDB's genre ids and names), and
copies the datasets' README/SOURCE notes (their licenses) next to them. The movies and their IMDb
ids are MovieLens' (links.csv: "tt" and its digits); the TMDB metadata file (--tmdb, its
movies.csv; see its SOURCE.txt) is joined on the TMDB id. A movie the TMDB file lacks keeps
MovieLens' title, year and genres and empty metadata. --prior also writes the recommendations'
community prior: MovieLens' ratings >= 4 as (user, TMDB id) co-favorites.

Nothing is invented:
  * a MovieLens genre without a TMDB counterpart (IMAX, Film-Noir) is dropped, a missing year
    stays empty; TMDB's genres replace MovieLens' where the TMDB file has any that TMDB still
    lists (its retired "Foreign", 10769, is dropped);
  * overviews are HTML-unescaped ("&amp;" -> "&"); the placeholder "No overview found." is no
    overview; a runtime of 0 is no runtime; a vote average over 0 votes is no average;
  * the TMDB file's collection_backdrop_path is the image of the movie's collection, not the
    movie's backdrop: it is not used, and backdrop_path stays for a TMDB sync to fill;
  * where the TMDB file has them, the title is TMDB's (what a TMDB sync would store) and the year
    is its release date's, so the year and date filters agree.
"""

import argparse
import csv
import gzip
import html
import re
import shutil
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


OVERVIEW_PLACEHOLDERS = {"No overview found.", "No Overview", "No overview yet."}
COLUMNS = [
    "tmdb_id", "imdb_id", "title", "year", "genre_ids", "release_date", "overview", "poster_path",
    "runtime", "vote_average", "vote_count", "popularity",
]  # fmt: skip


def tmdb_metadata(row: dict[str, str]) -> dict[str, str]:
    """The demo columns from one row of the TMDB metadata file; '' where it has no value."""
    overview = html.unescape(row["overview"]).strip()
    runtime = round(float(row["runtime"])) if row["runtime"] else 0
    votes = row["vote_count"]
    genres = [int(g) for g in row["genres"].split("|") if g and int(g) in TMDB_GENRES]
    return {
        "title": html.unescape(row["title"]).strip(),
        "release_date": row["release_date"],
        "overview": "" if overview in OVERVIEW_PLACEHOLDERS else overview,
        "poster_path": row["poster_path"],
        "runtime": str(runtime) if runtime > 0 else "",
        "vote_average": row["vote_average"] if votes and int(votes) > 0 else "",
        "vote_count": votes,
        "popularity": row["popularity"],
        "genre_ids": " ".join(map(str, sorted(set(genres)))),
    }


def read_tmdb(tmdb: Path | None) -> dict[int, dict[str, str]]:
    if tmdb is None:
        return {}
    with (tmdb / "movies.csv").open(newline="", encoding="utf-8") as f:
        return {int(row["tmdb_id"]): tmdb_metadata(row) for row in csv.DictReader(f)}


def build(source: Path, target: Path, tmdb: Path | None = None) -> tuple[int, int, int]:
    metadata = read_tmdb(tmdb)
    matched = 0
    links = {}
    imdb = {}
    with (source / "links.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["tmdbId"].strip():
                links[row["movieId"]] = int(row["tmdbId"])
            if row["imdbId"].strip():
                imdb[row["movieId"]] = f"tt{row['imdbId'].strip()}"
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
            out = dict.fromkeys(COLUMNS, "")
            out.update(tmdb_id=str(tmdb_id), title=title, year=str(year or ""))
            out["imdb_id"] = imdb.get(row["movieId"], "")
            out["genre_ids"] = " ".join(map(str, genre_ids))
            meta = metadata.get(tmdb_id)
            if meta:
                matched += 1
                out.update({k: v for k, v in meta.items() if v})
                if meta["release_date"]:
                    out["year"] = meta["release_date"][:4]
            rows.append(out)
    target.mkdir(parents=True, exist_ok=True)
    with (target / "movies.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with (target / "genres.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name"])
        writer.writerows(sorted(TMDB_GENRES.items()))
    shutil.copyfile(source / "README.txt", target / "LICENSE-MovieLens.txt")
    shutil.copyfile(source / "SOURCE.txt", target / "SOURCE-MovieLens.txt")
    if tmdb is not None:
        shutil.copyfile(tmdb / "SOURCE.txt", target / "SOURCE-TMDB.txt")
    return len(rows), skipped, matched


def build_prior(source: Path, target: Path, *, min_rating: float = 4.0) -> int:
    """The community prior: (MovieLens user, TMDB id) for every rating >= ``min_rating``, in
    ``target/movielens-cofavorites.csv.gz``, with MovieLens' license and source notes."""
    links = {}
    with (source / "links.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["tmdbId"].strip():
                links[row["movieId"]] = int(row["tmdbId"])
    pairs = set()
    with (source / "ratings.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            tmdb_id = links.get(row["movieId"])
            if tmdb_id is not None and float(row["rating"]) >= min_rating:
                pairs.add((int(row["userId"]), tmdb_id))
    target.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives the same bytes.
    with gzip.GzipFile(target / "movielens-cofavorites.csv.gz", "wb", mtime=0) as raw:
        text = "user_id,tmdb_id\n" + "".join(f"{u},{t}\n" for u, t in sorted(pairs))
        raw.write(text.encode())
    shutil.copyfile(source / "README.txt", target / "LICENSE-MovieLens.txt")
    shutil.copyfile(source / "SOURCE.txt", target / "SOURCE-MovieLens.txt")
    return len(pairs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("movielens", type=Path, help="the ml-latest-small directory")
    parser.add_argument("target", type=Path, help="where to write, e.g. src/catalog/catalog/demo")
    parser.add_argument("--tmdb", type=Path, help="the TMDB metadata directory (movies.csv)")
    parser.add_argument(
        "--prior",
        type=Path,
        help="also write the community prior (ratings >= 4) there, e.g. "
        "src/recommendations/recommendations/prior",
    )
    args = parser.parse_args()
    if args.prior:
        print(f"{build_prior(args.movielens, args.prior)} community-prior favorites written")
    written, skipped, matched = build(args.movielens, args.target, args.tmdb)
    print(
        f"{written} movies written ({matched} with TMDB metadata), "
        f"{skipped} skipped (no or duplicate TMDB id)"
    )
