"""Seeding of the recommendations benchmark (call after ``setup_django``): users and favorites
with a realistic skew, on top of ``bench.seed``'s synthetic catalog (1-3 of TMDB's 19 genres and
a release year per movie).

- Movie popularity is Zipf-like (Zipf-Mandelbrot: a movie of popularity rank r is picked with
  probability proportional to 1 / (r + 10)), ranks shuffled over the movie ids: at 1M favorites
  over 50,000 movies the top movie has ~10,000 fans and a third of the catalog has 0-2.
- Favorites per user are log-normal (1 at least, many users with a handful, a long tail of
  heavy users up to ``MAX_PER_USER``), except ``PROBE_USERS`` users spread over the ids, who hold
  exactly ``PROBE_FAVORITES`` each (the serving scenarios use them).
- Rows are generated with numpy (seeded: reruns build the same data), sorted by ``added_at`` (the
  order a live table fills in) and streamed with ``COPY`` into a table whose indexes and
  constraints are rebuilt afterwards, in one transaction.

A seed is skipped when the tables already hold exactly the wanted rows.
"""

import io
import sys
import time

import numpy as np
from django.db import connection, transaction

from bench import seed

PROBE_USERS = 100
PROBE_FAVORITES = 50
MAX_PER_USER = 1000
ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 10.0
PER_USER_SIGMA = 1.2  # of the log-normal weights of the favorites per user
COPY_ROWS = 200_000
SPAN_SECONDS = 2 * 365 * 86400  # favorites added over two years from seed.EPOCH


def probe_user_ids(users: int) -> list[int]:
    """The users holding exactly ``PROBE_FAVORITES`` favorites, spread over ids 1..users."""
    n = min(PROBE_USERS, users)
    return [1 + i * users // n for i in range(n)]


def _count(sql: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def favorites_seeded(*, users: int, favorites: int, movies: int) -> bool:
    if _count("SELECT count(*) FROM accounts_user") != users:
        return False
    if _count("SELECT count(*) FROM favorites_favoritemovie") != favorites:
        return False
    if _count("SELECT coalesce(max(movie_id), 0) FROM favorites_favoritemovie") > movies:
        return False
    probes = probe_user_ids(users)
    return probes == [] or _count(
        "SELECT count(*) FROM (SELECT user_id FROM favorites_favoritemovie "
        "WHERE user_id = ANY(%s) GROUP BY user_id HAVING count(*) = %s) AS p",
        [probes, PROBE_FAVORITES],
    ) == len(probes)


def seed_favorites(*, users: int, favorites: int, movies: int) -> float:
    """Replace every user and favorite by ``users`` users (ids 1..users, no usable password)
    holding ``favorites`` favorites in all; returns the seconds spent (0 when skipped)."""
    if favorites_seeded(users=users, favorites=favorites, movies=movies):
        print(
            f"favorites: {users:,} users, {favorites:,} favorites already seeded, skipping",
            file=sys.stderr,
        )
        return 0.0
    started = time.perf_counter()
    user_col, movie_col, seconds = favorite_arrays(users=users, favorites=favorites, movies=movies)
    print(f"favorites: generated {len(user_col):,} rows, loading", file=sys.stderr)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_user RESTART IDENTITY CASCADE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.copy_expert(seed.USERS_COPY, io.StringIO(seed._user_rows(users)))
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [users])
        with seed._without_indexes(cursor, ["favorites_favoritemovie"]):
            base = np.datetime64(seed.EPOCH.replace(tzinfo=None), "s")
            for lo in range(0, len(user_col), COPY_ROWS):
                hi = lo + COPY_ROWS
                stamps = np.datetime_as_string(base + seconds[lo:hi].astype("timedelta64[s]"))
                rows = "".join(
                    f"{u}\t{m}\t{t}+00\n"
                    for u, m, t in zip(
                        user_col[lo:hi].tolist(),
                        movie_col[lo:hi].tolist(),
                        stamps.tolist(),
                        strict=True,
                    )
                )
                cursor.copy_expert(
                    "COPY favorites_favoritemovie (user_id, movie_id, added_at) FROM STDIN",
                    io.StringIO(rows),
                )
            print("favorites: rebuilding indexes", file=sys.stderr)
    seed._vacuum_analyze(["accounts_user", "favorites_favoritemovie"])
    return time.perf_counter() - started


def favorite_counts(
    rng: np.random.Generator, *, users: int, favorites: int, movies: int
) -> np.ndarray:
    """Favorites per user (index 0 = user 1), summing to exactly ``favorites``."""
    cap = max(PROBE_FAVORITES, min(MAX_PER_USER, movies // 2))
    probes = np.asarray(probe_user_ids(users), dtype=np.int64) - 1
    if movies < 2 * PROBE_FAVORITES:
        raise ValueError(f"need at least {2 * PROBE_FAVORITES} movies")
    if not users + len(probes) * (PROBE_FAVORITES - 1) <= favorites <= users * cap:
        raise ValueError(
            f"{favorites:,} favorites cannot be spread over {users:,} users "
            f"(1 to {cap:,} each, {len(probes)} of them with exactly {PROBE_FAVORITES})"
        )
    counts = np.ones(users, dtype=np.int64)
    counts[probes] = PROBE_FAVORITES
    others = np.ones(users, dtype=bool)
    others[probes] = False
    weights = rng.lognormal(0.0, PER_USER_SIGMA, size=int(others.sum()))
    rest = counts[others] + rng.multinomial(favorites - int(counts.sum()), weights / weights.sum())
    while (excess := int(np.maximum(rest - cap, 0).sum())) > 0:  # redistribute above the cap
        rest = np.minimum(rest, cap)
        room = (cap - rest).astype(np.float64)
        rest += rng.multinomial(excess, room / room.sum())
    counts[others] = rest
    return counts


def favorite_arrays(
    *, users: int, favorites: int, movies: int, seed_value: int = 42
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(user ids, movie ids, seconds after ``seed.EPOCH``) of every favorite, sorted by time;
    each user's movies are distinct, drawn by Zipf-like popularity."""
    rng = np.random.default_rng(seed_value)
    counts = favorite_counts(rng, users=users, favorites=favorites, movies=movies)
    by_rank = rng.permutation(movies).astype(np.int64) + 1  # movie id of each popularity rank
    p = 1.0 / (np.arange(1, movies + 1) + ZIPF_OFFSET) ** ZIPF_EXPONENT
    cdf = np.cumsum(p / p.sum())

    def draw(n: int, uniform: bool = False) -> np.ndarray:
        if uniform:
            return rng.integers(1, movies + 1, size=n)
        ranks = np.minimum(np.searchsorted(cdf, rng.random(n)), movies - 1)
        return by_rank[ranks]

    user_col = np.repeat(np.arange(1, users + 1, dtype=np.int64), counts)
    movie_col = draw(len(user_col))
    for attempt in range(1000):  # redraw the repeats of a movie by the same user
        key = user_col * (movies + 1) + movie_col
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        repeated = order[1:][sorted_key[1:] == sorted_key[:-1]]
        if not len(repeated):
            break
        # Heavy users of a small catalog converge slowly on the popular movies: go uniform.
        movie_col[repeated] = draw(len(repeated), uniform=attempt >= 50)
    else:
        raise RuntimeError("could not draw distinct favorites")
    seconds = rng.integers(0, SPAN_SECONDS, size=len(user_col))
    by_time = np.argsort(seconds, kind="stable")
    return user_col[by_time], movie_col[by_time], seconds[by_time]
