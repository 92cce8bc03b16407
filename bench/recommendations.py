"""Recommendations benchmark: the neighbour-table build (time per phase, peak memory) at 1M
favorites, and /api/recommendations/ latency uncached and cached, with where the time goes.

    python -m bench.recommendations  (or ``make bench-recommendations``; run as a module, from
                                      the root)

1. Seed (idempotent) the PostgreSQL database ``BENCH_REC_DATABASE`` (default movies_bench_recs):
   ``BENCH_REC_MOVIES`` movies (default 50,000; 1-3 genres, release years), ``BENCH_REC_USERS``
   users (default 100,000) and ``BENCH_REC_FAVORITES`` favorites (default 1,000,000; Zipf-like
   movie popularity, log-normal favorites per user; 100 users with exactly 50), see
   ``bench.seed_recommendations``.
2. Run ``neighbour_table_build()`` (what ``manage.py build_recommendations`` runs) in a
   subprocess, its phases timed by wrapping the functions it calls, and its peak RSS read with
   ``getrusage(RUSAGE_CHILDREN)``. Every run adds a build; the one before is kept, older ones
   are deleted (the cleanup phase).
3. In this process, warm: GET /api/recommendations/ for the users with exactly 50 favorites,
   uncached (their favorites version bumped before each request, as adding a favorite does) and
   cached (Redis ``BENCH_REC_REDIS_URL``, default db 13); GET /api/movies/<id>/similar/; and the
   pieces of one uncached request timed one by one.

Environment: ``BENCH_REC_FAVORITES``, ``BENCH_REC_USERS``, ``BENCH_REC_MOVIES``,
``BENCH_REC_REQUESTS`` (per scenario, default 500), ``BENCH_REC_DATABASE``,
``BENCH_REC_REDIS_URL``, ``BENCH_PG_URL``.
"""

import argparse
import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from bench import common
from bench.common import Latency

FAVORITES = int(os.environ.get("BENCH_REC_FAVORITES", "1000000"))
USERS = int(os.environ.get("BENCH_REC_USERS", "100000"))
MOVIES = int(os.environ.get("BENCH_REC_MOVIES", "50000"))
REQUESTS = int(os.environ.get("BENCH_REC_REQUESTS", "500"))
DATABASE = os.environ.get("BENCH_REC_DATABASE", "movies_bench_recs")
REDIS_URL = os.environ.get("BENCH_REC_REDIS_URL", "redis://127.0.0.1:6379/13")
STALE_REQUESTS = int(os.environ.get("BENCH_REC_STALE_REQUESTS", "20"))
SIMILAR_MOVIES = 100  # similar-movies requests rotate over this many movies
TARGET_BUILD_SECONDS = 120
TARGET_BUILD_MIB = 4096
TARGET_P95_MS = 30
clock = time.perf_counter


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


# The build, in a subprocess: its own peak memory, nothing of this process's.


def phase_build() -> dict[str, Any]:
    """Run ``neighbour_table_build()`` with the functions it calls wrapped to time them."""
    os.environ["DATABASE_URL"] = common.database_url(DATABASE)
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection

    from recommendations import engine, services
    from recommendations.models import NeighbourList

    spans: dict[str, dict[str, float]] = {}  # name: first start, last end, total, calls
    peak: dict[str, float] = {"setup": _peak_mib()}

    def wrap(module: Any, name: str) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            span = spans.setdefault(name, {"start": clock(), "total": 0.0, "calls": 0})
            peak.setdefault(f"{name} start", _peak_mib())
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                span["end"] = clock()
                span["total"] += span["end"] - started
                span["calls"] += 1
                peak[f"{name} end"] = _peak_mib()

        setattr(module, name, timed)

    for module, name in [(services, "movie_content_features"), (services, "build_neighbours"),
                         (services, "_write"), (engine, "_pairs"),
                         (engine, "_matrix"), (engine, "_content_arrays"),
                         (engine, "_neighbourhood"), (engine, "_collaborative"),
                         (engine, "_add_content")]:  # fmt: skip
        wrap(module, name)

    statements: list[dict[str, Any]] = []

    def record(execute, sql, params, many, context):
        started = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append({"start": started, "ms": (clock() - started) * 1000,
                               "rows": context["cursor"].rowcount, "sql": sql[:120]})  # fmt: skip

    def log(message: str) -> None:
        print(f"build: {clock() - started:6.1f} s  {message}", file=sys.stderr)

    with connection.execute_wrapper(record):
        started = clock()
        build = services.neighbour_table_build(log=log)
        ended = clock()
    peak["end"] = _peak_mib()

    write_end = spans["_write"]["end"]
    after_write = [s for s in statements if s["start"] > write_end]
    # Cleanup starts at the first SELECT after the rows are written (the previous build).
    cleanup_start = next((s["start"] for s in after_write if s["sql"].startswith("SELECT")), ended)
    compute = spans["build_neighbours"]

    def total(name: str) -> float:
        return spans.get(name, {}).get("total", 0.0)

    neighbourhood = total("_neighbourhood")
    engine_parts = {
        "favorites to arrays (_pairs, _matrix)": total("_pairs") + total("_matrix"),
        "linear rows (EASE: Gram, inverse, top-k)": compute["total"]
        - neighbourhood
        - total("_pairs")
        - total("_matrix"),
        "neighbourhood rows (kNN + content)": neighbourhood,
        "  content arrays": total("_content_arrays"),
        "  collaborative blocks (dense)": total("_collaborative"),
        "  content blocks (dense)": total("_add_content"),
    }
    phases = {
        "read movie features": spans["movie_content_features"]["total"],
        "read favorites": compute["start"] - spans["movie_content_features"]["end"],
        "compute (engine)": compute["total"],
        "write rows": cleanup_start - compute["end"],
        "cleanup": ended - cleanup_start,
    }
    write_parts = {
        "pack the lists, INSERT the rows (bulk_create)": spans["_write"]["total"],
        "build row, commit": phases["write rows"] - spans["_write"]["total"],
    }
    phase_peaks = {
        "read movie features": peak["movie_content_features end"],
        "read favorites": peak["build_neighbours start"],
        "compute (engine)": peak["build_neighbours end"],
        "write rows": peak["_write end"],
        "cleanup": peak["end"],
    }
    return {
        "build_id": build.pk,
        "movies": build.movies,
        "favorites": build.favorites,
        "pairs_written": build.pairs,
        "rows_written": NeighbourList.objects.filter(build_id=build.pk).count(),
        "seconds": ended - started,
        "build_seconds_recorded": build.seconds,
        "phases": phases,
        "engine_parts": engine_parts,
        "write_parts": write_parts,
        "blocks": spans.get("_collaborative", {}).get("calls", 0),
        "linear_items": services.model_params().linear_items,
        "peak_mib_after_setup": peak["setup"],
        "peak_mib_by_phase": phase_peaks,
        "cleanup_sql": [
            {k: s[k] for k in ("sql", "ms", "rows")}
            for s in after_write
            if s["start"] >= cleanup_start and s["ms"] >= 10
        ],
    }


def run_build() -> dict[str, Any]:
    print("build: neighbour_table_build() in a subprocess", file=sys.stderr)
    started = clock()
    result = subprocess.run(
        [sys.executable, "-m", "bench.recommendations", "--phase", "build"],
        cwd=common.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["wall_seconds"] = clock() - started
    data["peak_rss_mib"] = _peak_mib(resource.RUSAGE_CHILDREN)
    return data


# How the engine's time and memory grow with LINEAR_ITEMS and the catalog: the engine alone
# (no database) on the same synthetic favorites, one subprocess per point.

SCALING = os.environ.get("BENCH_REC_SCALING", "1") != "0"


def phase_scale(linear_items: int, movies: int) -> dict[str, Any]:
    import numpy as np

    from bench.seed_recommendations import favorite_arrays
    from recommendations.engine import ItemContent, ModelParams, build_neighbours

    users, items, _ = favorite_arrays(users=USERS, favorites=FAVORITES, movies=movies)
    rng = np.random.default_rng(7)
    content = ItemContent(
        genres={m: rng.choice(19, size=rng.integers(1, 4), replace=False).tolist()
                for m in range(1, movies + 1)},
        years={m: int(y) for m, y in enumerate(rng.integers(1930, 2025, size=movies), start=1)},
    )  # fmt: skip
    pairs = list(zip(users.tolist(), items.tolist(), strict=True))
    before = _peak_mib()
    started = clock()
    build_neighbours(pairs, range(1, movies + 1), content, ModelParams(linear_items=linear_items))
    return {"linear_items": linear_items, "movies": movies, "seconds": clock() - started,
            "peak_mib": _peak_mib(), "peak_mib_before": before}  # fmt: skip


def run_scaling(default_items: int) -> list[dict[str, Any]]:
    points = [(n, MOVIES) for n in (default_items // 4, default_items // 2, default_items)]
    points.append((default_items, MOVIES // 2))
    results = []
    for linear_items, movies in points:
        print(f"scaling: engine with {linear_items:,} linear items, {movies:,} movies",
              file=sys.stderr)  # fmt: skip
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.recommendations", "--phase", "scale",
             "--linear-items", str(linear_items), "--movies", str(movies)],
            cwd=common.ROOT, stdout=subprocess.PIPE, text=True, check=True,
        )  # fmt: skip
        results.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return results


# Serving, in this process (warm).


def data_shape() -> dict[str, Any]:
    """How skewed the seeded favorites are."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY n), max(n), "
            "count(*) FILTER (WHERE n = 1) FROM (SELECT count(*) AS n "
            "FROM favorites_favoritemovie GROUP BY user_id) AS u"
        )
        per_user, per_user_max, single = cursor.fetchone()
        cursor.execute(
            "SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), "
            "count(*) FILTER (WHERE n <= 2) FROM (SELECT m.id, count(f.id) AS n "
            "FROM catalog_movie m LEFT JOIN favorites_favoritemovie f ON f.movie_id = m.id "
            "GROUP BY m.id) AS m"
        )
        fans_max, fans_median, fans_few = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM catalog_movie_genres")
        genre_links = cursor.fetchone()[0]
    return {
        "favorites_per_user": dict(
            zip(["p50", "p90", "p99"], per_user, strict=True), max=per_user_max, users_with_1=single
        ),
        "fans_per_movie": {"max": fans_max, "median": fans_median, "movies_with_0_to_2": fans_few},
        "genres_per_movie": genre_links / MOVIES,
    }


def serve(build_id: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    from bench.seed_recommendations import PROBE_FAVORITES, probe_user_ids
    from favorites.cache import bump_user_versions

    users = list(get_user_model().objects.filter(pk__in=probe_user_ids(USERS)).order_by("pk"))
    clients = []
    for user in users:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        clients.append(client)
    anonymous = APIClient()
    step = max(1, MOVIES // SIMILAR_MOVIES)
    similar_ids = list(range(1, MOVIES + 1, step))[:SIMILAR_MOVIES]

    def get(client: Any, url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.content!r}")
        return response

    def recommendations(i: int) -> Any:
        return get(clients[i % len(clients)], "/api/recommendations/")

    def similar(i: int) -> Any:
        return get(anonymous, f"/api/movies/{similar_ids[i % len(similar_ids)]}/similar/")

    def bump(i: int) -> None:  # what adding or removing a favorite does
        bump_user_versions([users[i % len(users)].pk])

    stale = after_build(users, build_id, recommendations, bump)
    print("serve: warming up", file=sys.stderr)
    for i in range(len(users)):
        recommendations(i)  # creates each user's version key, warms buffers and code paths
        bump(i)
    for i in range(len(similar_ids)):
        similar(i)
    reasons = [item["reason"] for item in recommendations(0).json()["results"]]

    print(f"serve: {REQUESTS} uncached, cached and similar requests", file=sys.stderr)
    bump(0)
    uncached_sql = common.captured(lambda: recommendations(0))
    with gc_pauses() as uncached_gc:
        uncached = common.measure(REQUESTS, recommendations, before=bump)
    for i in range(len(users)):
        recommendations(i)  # every user's picks cached
    cached_sql = common.captured(lambda: recommendations(0))
    with gc_pauses() as cached_gc:
        cached = common.measure(REQUESTS, recommendations)
    similar_sql = common.captured(lambda: similar(0))
    with gc_pauses() as similar_gc:
        similar_timings = common.measure(REQUESTS, similar)
    latencies = [
        _latency("recommendations, UNCACHED", uncached, uncached_sql, uncached_gc),
        _latency("recommendations, cached", cached, cached_sql, cached_gc),
        _latency("similar movies (no cache)", similar_timings, similar_sql, similar_gc),
    ]
    return {
        "users": len(users),
        "favorites_per_user": PROBE_FAVORITES,
        "build_id": build_id,
        "latency": latencies,
        "sql": {"uncached": uncached_sql, "cached": cached_sql, "similar": similar_sql},
        "personal_reasons_on_page_1": sum(r.startswith("Because you liked") for r in reasons),
        "breakdown": breakdown(users, build_id, statistics.median(uncached) * 1000),
        "right_after_build": stale,
    }


def after_build(
    users: list, build_id: int, get: Callable[[int], Any], bump: Callable[[int], Any]
) -> dict[str, Any]:
    """Uncached requests right after the build, before the neighbour table is analyzed again
    (by autovacuum, within a minute or so in production), then that ANALYZE."""
    from django.db import connection

    from favorites.selectors import favorite_movie_ids
    from recommendations.models import NeighbourList

    n = min(STALE_REQUESTS, len(users))
    print(f"serve: {n} uncached requests right after the build", file=sys.stderr)
    timings = common.measure(n, get, before=bump)
    favorites = favorite_movie_ids(user=users[0])
    query = NeighbourList.objects.filter(build_id=build_id, movie_id__in=favorites)
    plan = _explain(query.values_list("movie_id", "neighbours", "scores"))
    table = NeighbourList._meta.db_table
    print(f"serve: ANALYZE {table} (as autovacuum would)", file=sys.stderr)
    started = clock()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return {
        "latency": Latency.of("recommendations, UNCACHED, before ANALYZE", timings),
        "plan": plan,
        "analyze_seconds": clock() - started,
    }


def _latency(name: str, seconds: list[float], sql: list[dict], pauses: list[float]) -> Latency:
    notes = common.sql_ms(sql)
    if pauses:
        notes += f"; GC gen 2: {len(pauses)}x, max {max(pauses):.0f} ms"
    return Latency.of(
        name, seconds, queries=len(sql), notes=notes, extra={"gc_gen2_pauses_ms": pauses}
    )


@contextlib.contextmanager
def gc_pauses() -> Iterator[list[float]]:
    """The durations (ms) of Python's full (generation 2) garbage collections meanwhile."""
    pauses: list[float] = []
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started[0] = clock()
            else:
                pauses.append((clock() - started[0]) * 1000)

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


def breakdown(users: list, build_id: int, request_p50_ms: float) -> dict[str, Any]:
    """The pieces of an uncached request, each timed alone over the users (warm)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.renderers import JSONRenderer

    from favorites.models import FavoriteMovie
    from favorites.selectors import favorite_movie_ids
    from recommendations import selectors
    from recommendations.conf import recommendations_settings
    from recommendations.engine import rank
    from recommendations.models import NeighbourList

    print("serve: timing the pieces of an uncached request", file=sys.stderr)
    limit = recommendations_settings.MAX_RESULTS
    timings: dict[str, list[float]] = defaultdict(list)
    rows: list[int] = []
    pairs: list[int] = []
    candidates: list[int] = []

    def timed(name: str, call: Callable[[], Any]) -> Any:
        started = clock()
        result = call()
        timings[name].append(clock() - started)
        return result

    user_model = get_user_model()
    for user in users * 2:  # the second round is the one that counts: warm
        timed("authentication: user query", lambda u=user: user_model.objects.get(pk=u.pk))
        favorites = timed("favorites query", lambda u=user: favorite_movie_ids(user=u))
        lists = timed(
            "neighbour lists query (ORM, unpacked)",
            lambda f=favorites: selectors.neighbour_lists(build_id=build_id, movie_ids=f),
        )
        query = NeighbourList.objects.filter(build_id=build_id, movie_id__in=favorites)
        sql, params = query.values_list("movie_id", "neighbours", "scores").query.sql_with_params()
        with connection.cursor() as cursor:
            started = clock()
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
            timings["  same SQL, raw cursor"].append(clock() - started)
        rows.append(len(fetched))
        pairs.append(sum(len(ids) for ids, _ in lists.values()))
        ranked = timed(
            "scoring (engine.rank)",
            lambda t=lists, f=favorites: rank(t, f, limit=limit),
        )
        candidates.append(len({int(i) for ids, _ in lists.values() for i in ids}))
        picks = [selectors.Pick(movie_id=r.item, score=round(r.score, 4), because=r.because)
                 for r in ranked]  # fmt: skip
        timed("cache: version, get, set", lambda u=user, p=picks: _cache_round(
            u.pk, p, build_id))  # fmt: skip
        movies = timed("hydration (movies query)", lambda p=picks: selectors.hydrate(p[:20]))
        timed(
            "JSON rendering (20 items; the view serves the catalog's items as they are)",
            lambda m=movies: JSONRenderer().render(m),
        )
    half = len(users)
    pieces = []
    for name, values in timings.items():
        ms = sorted(v * 1000 for v in values[half:])
        pieces.append({"piece": name, "p50": common.percentile(ms, 50),
                       "p95": common.percentile(ms, 95)})  # fmt: skip
    counted = sum(p["p50"] for p in pieces if not p["piece"].startswith(" "))
    pieces.append({"piece": "sum of the pieces above", "p50": counted, "p95": None})
    pieces.append(
        {
            "piece": "whole request (JWT, DRF, pagination, JSON too)",
            "p50": request_p50_ms,
            "p95": None,
        }
    )
    favorites = favorite_movie_ids(user=users[0])
    query = NeighbourList.objects.filter(build_id=build_id, movie_id__in=favorites)
    plans = {
        "neighbour lists": _explain(query.values_list("movie_id", "neighbours", "scores")),
        "favorites": _explain(
            FavoriteMovie.objects.filter(user=users[0])
            .order_by("-added_at", "-id")
            .values_list("movie_id", flat=True)
        ),
    }
    return {
        "pieces": pieces,
        "neighbour_rows": {"mean": statistics.fmean(rows), "max": max(rows)},
        "neighbour_pairs": {"mean": statistics.fmean(pairs), "max": max(pairs)},
        "candidate_movies": {"mean": statistics.fmean(candidates)},
        "plans": plans,
    }


def _cache_round(user_id: int, picks: list, build: int) -> None:
    """The cache work of an uncached request: read the version and miss, store the picks (in
    the bench's own Redis database)."""
    from core import versioned_cache
    from favorites.cache import user_namespace
    from recommendations.conf import recommendations_settings

    key = f"bench_recommendations_{user_id}_build_{build}"
    snapshot = versioned_cache.read([user_namespace(user_id)], [key])
    snapshot.entry(key)
    snapshot.store(key, picks, timeout=recommendations_settings.CACHE_TIMEOUT)


def _explain(queryset: Any) -> dict[str, Any]:
    """PostgreSQL's plan of ``queryset`` run once: execution time, node, shared buffers."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    nodes = []
    node = plan["Plan"]
    while node:
        nodes.append(f"{node['Node Type']}" + (f" on {node['Index Name']}"
                                               if "Index Name" in node else ""))  # fmt: skip
        node = (node.get("Plans") or [None])[0]
    return {
        "execution_ms": plan["Execution Time"],
        "planning_ms": plan["Planning Time"],
        "nodes": nodes,
        "rows": plan["Plan"]["Actual Rows"],
        "shared_hit": plan["Plan"].get("Shared Hit Blocks"),
        "shared_read": plan["Plan"].get("Shared Read Blocks"),
        "heap_fetches": _find(plan["Plan"], "Heap Fetches"),
        "index_cond": _find(plan["Plan"], "Index Cond"),
        "filter": _find(plan["Plan"], "Filter"),
        "rows_removed": _find(plan["Plan"], "Rows Removed by Filter") or 0,
    }


def _find(node: dict, key: str) -> Any:
    if key in node:
        return node[key]
    for child in node.get("Plans", []):
        found = _find(child, key)
        if found is not None:
            return found
    return None


def read_variants() -> dict[str, float]:
    """Reading every favorite as ``favorite_pairs()`` does (the model's default ordering, so a
    sort of the whole table) and without the ORDER BY."""
    from favorites.models import FavoriteMovie
    from favorites.selectors import favorite_pairs

    print("build: favorites read with and without ORDER BY", file=sys.stderr)
    started = clock()
    as_written = len(list(favorite_pairs()))
    as_written_s = clock() - started
    started = clock()
    pairs = FavoriteMovie.objects.order_by().values_list("user_id", "movie_id")
    unordered = len(list(pairs.iterator(chunk_size=50_000)))
    unordered_s = clock() - started
    if as_written != unordered:
        raise RuntimeError(f"read {as_written} then {unordered} favorites")
    return {"favorite_pairs() as written": as_written_s, "with .order_by()": unordered_s}


def vacuum_neighbours() -> float:
    """VACUUM ANALYZE the neighbour table before the build, as autovacuum would have done since
    the previous one (the bench server runs with autovacuum off): the dead rows of the build
    deleted last time are reused instead of growing the table run after run, and the cleanup's
    DELETEs are planned with statistics."""
    from django.db import connection

    from recommendations.models import NeighbourList

    table = NeighbourList._meta.db_table
    print(f"build: VACUUM ANALYZE {table}", file=sys.stderr)
    started = clock()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return clock() - started


def table_sizes() -> dict[str, Any]:
    from django.db import connection

    from recommendations.models import NeighbourList

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size(%s), "
            "(SELECT count(*) FROM recommendations_recommenderbuild)",
            [NeighbourList._meta.db_table],
        )
        size, builds = cursor.fetchone()
    return {"neighbour_table_mib": size / 2**20, "builds_kept": builds}


def run() -> dict[str, Any]:
    started = clock()
    common.ensure_database(DATABASE)
    common.setup_django(database=common.database_url(DATABASE), redis_url=REDIS_URL)
    from bench import seed, seed_recommendations

    loads = {"start": load_average()}
    seconds = {"movies": seed.seed_movies(MOVIES)}
    seconds["favorites"] = seed_recommendations.seed_favorites(
        users=USERS, favorites=FAVORITES, movies=MOVIES
    )
    shape = data_shape()
    vacuum_seconds = vacuum_neighbours()
    loads["before build"] = load_average()
    build = run_build()
    build["vacuum_before_seconds"] = vacuum_seconds
    loads["after build"] = load_average()
    build["read_variants"] = read_variants()
    build.update(table_sizes())
    served = serve(build["build_id"])
    scaling = run_scaling(build["linear_items"]) if SCALING else []
    loads["end"] = load_average()
    return {
        "movies": MOVIES,
        "users": USERS,
        "favorites": FAVORITES,
        "cpus": os.cpu_count(),
        "seed_seconds": seconds,
        "data": shape,
        "load_average": loads,
        "build": build,
        "serve": served,
        "scaling": scaling,
        "requests_per_scenario": REQUESTS,
        "seconds": clock() - started,
    }


def report(data: dict[str, Any]) -> None:
    build, served, shape = data["build"], data["serve"], data["data"]
    seeded = data["seed_seconds"]["favorites"] + data["seed_seconds"]["movies"]
    print(
        f"\n== Recommendations benchmark: {data['favorites']:,} favorites over "
        f"{data['users']:,} users and {data['movies']:,} movies ({common.seeded(seeded)}), "
        f"PostgreSQL + Redis, {data['cpus']} CPUs; load average "
        + ", ".join(f"{k} {v}" for k, v in data["load_average"].items())
    )
    per_user, fans = shape["favorites_per_user"], shape["fans_per_movie"]
    print(
        f"Data: favorites per user p50 {per_user['p50']} / p90 {per_user['p90']} / p99 "
        f"{per_user['p99']} / max {per_user['max']} ({per_user['users_with_1']:,} users with 1); "
        f"fans per movie max {fans['max']:,}, median {fans['median']}, "
        f"{fans['movies_with_0_to_2']:,} movies with 0-2; {shape['genres_per_movie']:.1f} "
        f"genres per movie"
    )
    rows: list[list[Any]] = []
    for phase, seconds in build["phases"].items():
        rows.append([phase, seconds, build["peak_mib_by_phase"][phase]])
        parts = {"compute (engine)": build["engine_parts"], "write rows": build["write_parts"]}
        for part, part_seconds in parts.get(phase, {}).items():
            rows.append([f"  {part}", part_seconds, None])
    rows.append(["total neighbour_table_build()", build["seconds"], build["peak_rss_mib"]])
    common.print_table(
        f"Build: neighbour_table_build() in a subprocess (build {build['build_id']}, "
        f"{build['blocks']} engine blocks)",
        ["phase", "seconds", "peak RSS MiB so far"],
        rows,
    )
    met = build["seconds"] < TARGET_BUILD_SECONDS and build["peak_rss_mib"] < TARGET_BUILD_MIB
    print(
        f"\nRows written: {build['rows_written']:,} neighbour lists ({build['pairs_written']:,} "
        f"pairs) for {build['movies']:,} movies from "
        f"{build['favorites']:,} favorites; neighbour table {build['neighbour_table_mib']:,.0f} "
        f"MiB with {build['builds_kept']} builds kept. Process peak RSS "
        f"{build['peak_rss_mib']:,.0f} MiB ({build['peak_mib_after_setup']:,.0f} after Django "
        f"setup), {build['seconds']:.1f} s ({build['wall_seconds']:.1f} s with process start; "
        f"VACUUM ANALYZE of the table before it, untimed: {build['vacuum_before_seconds']:.1f} s): "
        f"target < {TARGET_BUILD_SECONDS} s and < {TARGET_BUILD_MIB // 1024} GiB "
        f"{'met' if met else 'NOT met'}"
    )
    if data["scaling"]:
        common.print_table(
            f"Engine alone (build_neighbours, no database) on {data['favorites']:,} synthetic "
            "favorites: growth with LINEAR_ITEMS (dense 4 N^2 bytes, cubic inverse) and catalog",
            ["LINEAR_ITEMS", "movies", "seconds", "peak RSS MiB"],
            [[p["linear_items"], p["movies"], p["seconds"], p["peak_mib"]]
             for p in data["scaling"]],
        )  # fmt: skip
    for statement in build["cleanup_sql"]:
        print(f"  cleanup: {statement['ms']:,.0f} ms, {statement['rows']:,} rows: "
              f"{statement['sql'][:90]}")  # fmt: skip
    variants = build["read_variants"]
    print(
        "Reading all favorites: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in variants.items())
    )
    common.latency_table(
        f"Serving: {served['users']} users with exactly {served['favorites_per_user']} favorites "
        f"(uncached: their favorites version bumped before each request)",
        served["latency"],
    )
    stale = served["right_after_build"]
    plan, first = stale["plan"], stale["latency"]
    print(
        f"\nRight after the build, before the table is analyzed again: {first.requests} uncached "
        f"requests p50 {first.p50:,.1f} ms, max {first.max:,.1f} ms; neighbour lists query "
        f"{plan['execution_ms']:,.1f} ms ({' > '.join(plan['nodes'])}, index condition "
        f"{plan['index_cond']}, {plan['rows_removed']:,} rows removed by a filter, shared hit "
        f"{plan['shared_hit']} read {plan['shared_read']}). ANALYZE took "
        f"{stale['analyze_seconds']:.1f} s; the figures above are after it."
    )
    p95 = served["latency"][0].p95
    print(
        f"\nUncached p95 {p95:.1f} ms: target < {TARGET_P95_MS} ms "
        f"{'met' if p95 < TARGET_P95_MS else 'NOT met'}; "
        f"{served['personal_reasons_on_page_1']}/20 personal picks on page 1"
    )
    pieces = served["breakdown"]
    common.print_table(
        f"One uncached request, piece by piece ({served['users']} users, warm; neighbour lists "
        f"(rows) per request: mean {pieces['neighbour_rows']['mean']:,.0f}, max "
        f"{pieces['neighbour_rows']['max']:,}, pairs in them: mean "
        f"{pieces['neighbour_pairs']['mean']:,.0f}; candidate movies: mean "
        f"{pieces['candidate_movies']['mean']:,.0f})",
        ["piece", "p50 ms", "p95 ms"],
        [[p["piece"], p["p50"], p["p95"]] for p in pieces["pieces"]],
    )
    print("\nPostgreSQL plans (EXPLAIN ANALYZE, one user):")
    for name, plan in pieces["plans"].items():
        print(
            f"  {name}: {plan['execution_ms']:.1f} ms execution + {plan['planning_ms']:.1f} ms "
            f"planning, {plan['rows']:,} rows, {' > '.join(plan['nodes'])}, shared hit "
            f"{plan['shared_hit']} read {plan['shared_read']}, heap fetches "
            f"{plan['heap_fetches']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=["build", "scale"], help=argparse.SUPPRESS)
    parser.add_argument("--linear-items", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--movies", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "build":
        print(json.dumps(phase_build(), default=str))
        return
    if args.phase == "scale":
        print(json.dumps(phase_scale(args.linear_items, args.movies)))
        return
    data = run()
    report(data)
    path = common.write_results("recommendations", data)
    print(f"\nFigures written to {path.relative_to(common.ROOT)} in {data['seconds']:.0f} s")


if __name__ == "__main__":
    main()
