"""Fast, idempotent seeding of the bench PostgreSQL database (call after ``setup_django``).

Movies are generated server-side (``INSERT ... SELECT`` over ``generate_series``, seeded random
so reruns build the same catalog); users and favorites are streamed with ``COPY``. A seed is
skipped when the tables already hold exactly the wanted rows.
"""

import contextlib
import datetime
import io
import random
import sys
import time
from collections.abc import Iterator

from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from tqdm import tqdm

# TMDB's 19 movie genres, most frequent first (the first genre of a movie leans to the front).
GENRES = [
    (18, "Drama"), (35, "Comedy"), (99, "Documentary"), (53, "Thriller"), (10749, "Romance"),
    (28, "Action"), (27, "Horror"), (80, "Crime"), (16, "Animation"), (10751, "Family"),
    (12, "Adventure"), (10402, "Music"), (9648, "Mystery"), (878, "Science Fiction"),
    (14, "Fantasy"), (10770, "TV Movie"), (36, "History"), (10752, "War"), (37, "Western"),
]  # fmt: skip
_WORDS = """love night dark man girl story last day life world house dead king war blood
city time road home summer secret lost black red blue little big return rise fall star dream
heart shadow fire ice stone river island wild silent broken golden final first great young old
american midnight winter spring garden ghost angel devil hunter killer storm sea sky moon sun
light death game family brother sister father mother daughter son child wedding holiday journey
escape revenge legend empire kingdom dragon machine future past tomorrow yesterday paradise
hell heaven street highway train town valley mountain desert forest space planet alien
"""
TITLE_WORDS = _WORDS.split()
OVERVIEWS = [
    "A young woman leaves her small town for the big city and discovers that the life she "
    "dreamed of comes at a price she never expected to pay.",
    "When a retired detective is pulled back for one last case, old enemies resurface and "
    "he must confront the mistakes that ended his career.",
    "Two estranged brothers reunite to settle their father's affairs, only to uncover a family "
    "secret that threatens to tear them apart for good.",
    "A group of friends on a summer road trip take a wrong turn into a town that does not "
    "appear on any map, and nobody there wants them to leave.",
    "In a future where memories can be bought and sold, a memory thief takes one last job "
    "that could either free him or erase who he is.",
    "An unlikely friendship between a grumpy widower and the lively family next door changes "
    "everything he believed about second chances.",
    "A documentary following the rise and fall of a legendary band, told through rare "
    "archive footage and interviews with those who were there.",
    "Stranded on a remote island after a storm, a crew of strangers must learn to trust each "
    "other as supplies run low and tempers run high.",
]
PASSWORD = "bench-load-Pa55word!"  # noqa: S105 (synthetic users on a throwaway database)
USERNAME = "bench{}"  # user i is "bench<i>"
MOVIE_CHUNK = 100_000
USER_CHUNK = 1_000
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def seed(
    *, movies: int, users: int, favorites_per_user: int, recommendations: bool = True
) -> dict[str, float]:
    """Catalog, users and favorites (each skipped when already there), every user's password
    ``PASSWORD``, and the recommendations table; returns the seconds each step took (0:
    skipped). Replaces whatever catalog, users and favorites the database held."""
    if connection.vendor != "postgresql":
        raise ValueError(
            f"seeding needs PostgreSQL (COPY, generate_series), not {connection.vendor}"
        )
    if movies < favorites_per_user:
        raise ValueError("need at least as many movies as favorites per user")
    seconds = {"movies": seed_movies(movies)}
    seconds["favorites"] = seed_favorites(users=users, per_user=favorites_per_user, movies=movies)
    seconds["passwords"] = set_passwords()
    if recommendations:
        seconds["recommendations"] = build_recommendations(
            movies=movies, favorites=users * favorites_per_user
        )
    return seconds


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def movies_seeded(n: int) -> bool:
    """Whether the catalog holds exactly the ``n`` seeded movies (ids 1..n) with genres."""
    if _count("SELECT count(*) FROM catalog_movie") != n:
        return False
    return _count("SELECT coalesce(max(id), 0) FROM catalog_movie") == n and (
        n == 0 or _count("SELECT count(*) FROM catalog_movie_genres") >= n
    )


def seed_movies(n: int) -> float:
    """Replace the catalog by ``n`` synthetic movies (1-3 genres each) unless it already holds
    them; returns the seconds spent (0 when skipped).

    One transaction: the secondary indexes and constraints are dropped, the rows loaded and
    they are rebuilt (far faster than maintaining them row by row); an interrupted seed rolls
    back whole, indexes included.
    """
    if movies_seeded(n):
        print(f"catalog: {n:,} movies already seeded, skipping", file=sys.stderr)
        return 0.0
    started = time.perf_counter()
    genre_ids = [gid for gid, _ in GENRES]
    with transaction.atomic(), connection.cursor() as cursor:
        # CASCADE empties favorites too: they point at movies.
        cursor.execute("TRUNCATE catalog_movie, catalog_movie_genres RESTART IDENTITY CASCADE")
        cursor.execute(
            "INSERT INTO catalog_genre (id, name) SELECT * FROM unnest(%s::int[], %s::text[]) "
            "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
            [genre_ids, [name for _, name in GENRES]],
        )
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT setseed(0.42)")
        with _without_indexes(cursor, ["catalog_movie", "catalog_movie_genres"]):
            with tqdm(total=n, unit="movie", desc="seed movies", file=sys.stderr) as bar:
                for lo in range(1, n + 1, MOVIE_CHUNK):
                    hi = min(n, lo + MOVIE_CHUNK - 1)
                    cursor.execute(MOVIES_SQL, {"lo": lo, "hi": hi, "words": TITLE_WORDS,
                                                "overviews": OVERVIEWS})  # fmt: skip
                    cursor.execute(GENRES_SQL, {"lo": lo, "hi": hi, "genres": genre_ids})
                    bar.update(hi - lo + 1)
            print("catalog: rebuilding indexes", file=sys.stderr)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('catalog_movie', 'id'), %s)", [max(n, 1)]
        )
    _vacuum_analyze(["catalog_movie", "catalog_movie_genres", "catalog_genre"])
    return time.perf_counter() - started


@contextlib.contextmanager
def _without_indexes(cursor: CursorWrapper, tables: list[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes and their unique/foreign-key constraints, and
    recreate them from their saved definitions on exit (inside the caller's transaction)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in sorted(constraints, key=lambda c: " FOREIGN " in c[2]):
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _vacuum_analyze(tables: list[str]) -> None:
    """Fresh statistics and visibility map (index-only scans), as a settled database has."""
    print(f"VACUUM ANALYZE {', '.join(tables)}", file=sys.stderr)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


# Per row: r[1..3] title words, r[4..5] title length, r[6..7] release date, r[8] vote count,
# r[9..11] vote average, r[12] popularity, r[13] runtime, r[14] details synced.
MOVIES_SQL = """
INSERT INTO catalog_movie (id, tmdb_id, imdb_id, title, overview, release_date, release_year,
    poster_path, backdrop_path, runtime, vote_average, vote_count, popularity, adult,
    details_synced_at, created_at, updated_at)
SELECT g, g, '', title, title || ': ' || (%(overviews)s::text[])[1 + g %% 8],
    release_date, extract(year FROM release_date)::int,
    '/' || md5(g::text) || '.jpg', '/' || md5((-g)::text) || '.jpg',
    CASE WHEN r[13] < 0.1 THEN NULL ELSE 70 + floor(r[13] * 90)::int END,
    CASE WHEN votes = 0 THEN 0 ELSE round((3 + 2 * (r[9] + r[10] + r[11]))::numeric, 1) END,
    votes,
    least(5000, round((0.6 / power(r[12], 0.8))::numeric, 3)), false,
    CASE WHEN r[14] < 0.9 THEN now() END, now(), now()
FROM (
    SELECT g, r,
        initcap(w[1 + floor(r[1] * nw)::int]
            || CASE WHEN r[4] < 0.75 THEN ' ' || w[1 + floor(r[2] * nw)::int] ELSE '' END
            || CASE WHEN r[5] < 0.35 THEN ' ' || w[1 + floor(r[3] * nw)::int] ELSE '' END)
            || CASE WHEN g %% 7 = 0 THEN ' ' || (2 + g %% 5)::text ELSE '' END AS title,
        CASE WHEN r[6] < 0.03 THEN NULL
            ELSE DATE '2026-12-31' - floor(power(r[7], 2.2) * 46000)::int END AS release_date,
        CASE WHEN r[8] < 0.25 THEN 0 ELSE floor(power(r[8], 20) * 35000)::int END AS votes
    FROM (
        SELECT g, %(words)s::text[] AS w, cardinality(%(words)s::text[]) AS nw,
            ARRAY(SELECT random() FROM generate_series(1, 14) WHERE g > 0) AS r
        FROM generate_series(%(lo)s, %(hi)s) AS g
    ) AS s
) AS m
"""
# A movie's genres: a first one (skewed to the frequent ones), then 0-2 more at a random
# stride modulo 19 (a prime, so they are distinct).
GENRES_SQL = """
INSERT INTO catalog_movie_genres (movie_id, genre_id)
SELECT g, (%(genres)s::int[])[1 + (first + k * stride) %% 19]
FROM (
    SELECT g, floor(19 * power(random(), 1.8))::int AS first,
        1 + floor(random() * 18)::int AS stride, 1 + floor(random() * 3)::int AS n
    FROM generate_series(%(lo)s, %(hi)s) AS g
) AS s
CROSS JOIN generate_series(0, 2) AS k
WHERE k < n
"""


def favorites_seeded(users: int, per_user: int) -> bool:
    return (
        _count("SELECT count(*) FROM accounts_user") == users
        and _count("SELECT count(*) FROM favorites_favoritemovie") == users * per_user
    )


def seed_favorites(*, users: int, per_user: int, movies: int) -> float:
    """Replace every user and favorite by ``users`` users (ids 1..users, no usable password)
    with ``per_user`` distinct favorites each; returns the seconds spent (0 when skipped)."""
    if favorites_seeded(users, per_user):
        print(f"favorites: {users:,} users x {per_user} already seeded, skipping", file=sys.stderr)
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_user RESTART IDENTITY CASCADE")
        cursor.execute("SET synchronous_commit = off")
        cursor.copy_expert(USERS_COPY, io.StringIO(_user_rows(users)))
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [users])
        with tqdm(
            total=users * per_user, unit="fav", desc="seed favorites", file=sys.stderr
        ) as bar:
            for first in range(1, users + 1, USER_CHUNK):
                last = min(users, first + USER_CHUNK - 1)
                rows = _favorite_rows(first, last, per_user, movies)
                cursor.copy_expert(
                    "COPY favorites_favoritemovie (user_id, movie_id, added_at) FROM STDIN",
                    io.StringIO(rows),
                )
                bar.update((last - first + 1) * per_user)
        cursor.execute("SET synchronous_commit = on")
        print("favorites: VACUUM ANALYZE", file=sys.stderr)
        cursor.execute("VACUUM ANALYZE accounts_user")
        cursor.execute("VACUUM ANALYZE favorites_favoritemovie")
    return time.perf_counter() - started


def set_passwords() -> float:
    """Give every user the password ``PASSWORD``, hashed once with the configured hasher
    (Argon2 with Django's default parameters outside tests), unless they all have it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT password, count(*) FROM accounts_user GROUP BY 1 LIMIT 2")
        rows = cursor.fetchall()
    if len(rows) == 1 and rows[0][0].startswith(f"{get_hasher().algorithm}$"):
        encoded = rows[0][0]
        if check_password(PASSWORD, encoded) and not identify_hasher(encoded).must_update(encoded):
            print("users: password already set, skipping", file=sys.stderr)
            return 0.0
    started = time.perf_counter()
    encoded = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET password = %s", [encoded])
    print(f"users: password set ({identify_hasher(encoded).algorithm})", file=sys.stderr)
    return time.perf_counter() - started


def build_recommendations(*, movies: int, favorites: int) -> float:
    """``manage.py build_recommendations`` unless the current build covers these data."""
    from recommendations.models import RecommenderBuild

    latest = RecommenderBuild.objects.filter(completed_at__isnull=False).first()
    if latest and latest.movies == movies and latest.favorites == favorites:
        print(f"recommendations: build {latest.pk} is current, skipping", file=sys.stderr)
        return 0.0
    started = time.perf_counter()
    call_command("build_recommendations")
    return time.perf_counter() - started


# The columns ``_user_rows`` writes, in order.
USERS_COPY = (
    "COPY accounts_user (id, password, is_superuser, username, username_key, first_name, "
    "last_name, email, is_staff, is_active, date_joined, token_version) FROM STDIN"
)


def _user_rows(users: int) -> str:
    from accounts.models import fold_username

    joined = EPOCH.isoformat()
    return "".join(
        f"{i}\t!unusable\tf\t{name}\t{fold_username(name)}\t\t\t{name}@example.com\tf\tt\t"
        f"{joined}\t0\n"
        for i, name in ((i, USERNAME.format(i)) for i in range(1, users + 1))
    )


def _favorite_rows(first_user: int, last_user: int, per_user: int, movies: int) -> str:
    """Distinct movies per user, leaning to low ids (seeded ids are not ordered by popularity,
    so only a mild skew), added over the two years after ``EPOCH``; deterministic per user."""
    lines = []
    for user in range(first_user, last_user + 1):
        rng = random.Random(user)  # noqa: S311 (synthetic data, not security)
        picked: set[int] = set()
        while len(picked) < per_user:
            picked.add(1 + int(rng.random() ** 2 * movies))
        for movie in picked:
            added = EPOCH + datetime.timedelta(seconds=rng.randrange(2 * 365 * 86400))
            lines.append(f"{user}\t{movie}\t{added.isoformat()}\n")
    return "".join(lines)
