"""Catalog benchmark: demo catalog load, TMDB sync throughput, list/detail latency at scale.

    python -m bench.catalog          (or ``make bench-catalog``; run as a module, from the root)

1. ``demo_catalog_load`` into a fresh, migrated SQLite file.
2. ``movie_list_sync`` / ``movies_sync_by_tmdb_ids`` from the fake TMDB server into the
   PostgreSQL database ``<BENCH_DATABASE>_sync``, with the default rate cap and with it off.
3. ``/api/movies/`` latency on PostgreSQL + Redis with ``BENCH_MOVIES`` movies (default 1M),
   uncached (cache cleared before each request) and cached.

Phases 1 and 2 run in subprocesses, each with its own database settings; they print their
figures as JSON on stdout. Environment: ``BENCH_MOVIES``, ``BENCH_REQUESTS``,
``BENCH_SYNC_PAGES``, ``BENCH_SYNC_DETAILS``, ``BENCH_DATABASE``, ``BENCH_REDIS_URL``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench import common
from bench.common import Latency

SYNC_PAGES = int(os.environ.get("BENCH_SYNC_PAGES", "50"))
SYNC_DETAILS = int(os.environ.get("BENCH_SYNC_DETAILS", "200"))
UNCAPPED_RATE = 1_000_000.0  # requests/s: the limiter never waits
DEMO_MOVIES = 9733
# Scenario variants, cycled through request after request.
FILTER_GENRES = ["18", "35", "28", "27", "878"]  # Drama, Comedy, Action, Horror, Science Fiction
SEARCH_WORDS = ["love", "night", "dragon", "midnight city", "lost"]


# Phase 1: the demo catalog on SQLite.


def phase_demo() -> dict[str, Any]:
    """Time ``demo_catalog_load`` on a fresh SQLite file (migrated first, untimed)."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        common.setup_django(database=f"sqlite:///{Path(tmp) / 'demo.sqlite3'}")
        from catalog import services
        from catalog.models import Movie

        started = time.perf_counter()
        created = services.demo_catalog_load().created
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = services.demo_catalog_load().created  # every row exists: the idempotent rerun
        rerun = time.perf_counter() - started
        return {
            "created": created,
            "movies": Movie.objects.count(),
            "genre_links": Movie.genres.through.objects.count(),
            "seconds": seconds,
            "movies_per_second": created / seconds,
            "rerun_created": again,
            "rerun_seconds": rerun,
        }


# Phase 2: syncs from the fake TMDB server into PostgreSQL.


def phase_sync() -> dict[str, Any]:
    """List and details sync throughput, rate-capped (settings default) and uncapped."""
    name = f"{common.BENCH_DATABASE}_sync"
    common.ensure_database(name)
    common.setup_django(database=common.database_url(name), redis_url=common.BENCH_REDIS_URL)
    from catalog import services
    from tmdb.client import TMDBClient
    from tmdb.conf import tmdb_settings
    from tmdb.testing.server import FakeTMDB

    # Time spent in the database: wrap the upsert both syncs call.
    upsert_seconds = [0.0]
    original_upsert = services.movies_upsert

    def timed_upsert(items: Any) -> tuple[int, int]:
        started = time.perf_counter()
        try:
            return original_upsert(items)
        finally:
            upsert_seconds[0] += time.perf_counter() - started

    services.movies_upsert = timed_upsert
    default_cap = float(tmdb_settings.RATE_LIMIT_PER_SECOND)
    runs = []
    with FakeTMDB(total_pages=max(SYNC_PAGES, 1)) as tmdb:
        for kind in ("list", "details"):
            for cap in (default_cap, UNCAPPED_RATE):
                _empty_catalog()
                client = TMDBClient(
                    api_key=tmdb.api_key, base_url=tmdb.base_url, rate_limit_per_second=cap
                )
                with client:
                    services.genres_sync(client=client)
                    upsert_seconds[0] = 0.0
                    requests_before = len(tmdb.requests)
                    started = time.perf_counter()
                    if kind == "list":
                        summary = services.movie_list_sync(
                            client=client, source="popular", pages=SYNC_PAGES
                        )
                    else:
                        summary = services.movies_sync_by_tmdb_ids(
                            client=client, tmdb_ids=range(1, SYNC_DETAILS + 1)
                        )
                    seconds = time.perf_counter() - started
                movies = summary.created + summary.updated
                runs.append(
                    {
                        "kind": kind,
                        "rate_cap": None if cap == UNCAPPED_RATE else cap,
                        "http_requests": len(tmdb.requests) - requests_before,
                        "movies": movies,
                        "seconds": seconds,
                        "movies_per_second": movies / seconds,
                        "requests_per_second": (len(tmdb.requests) - requests_before) / seconds,
                        "db_seconds": upsert_seconds[0],
                        "db_share": upsert_seconds[0] / seconds,
                    }
                )
    return {"runs": runs, "default_rate_cap": default_cap}


def _empty_catalog() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog_movie, catalog_movie_genres RESTART IDENTITY CASCADE")


# Phase 3: list and detail latency on PostgreSQL + Redis.


def phase_api() -> dict[str, Any]:
    """Uncached and cached latency of the list/detail scenarios, SQL per request, EXPLAIN."""
    common.ensure_database(common.BENCH_DATABASE)
    common.setup_django(
        database=common.database_url(common.BENCH_DATABASE), redis_url=common.BENCH_REDIS_URL
    )
    from django.core.cache import cache
    from django.db import connection
    from rest_framework.test import APIClient

    from bench import seed

    n = common.BENCH_MOVIES
    load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
    seed_seconds = seed.seed_movies(n)
    client = APIClient()
    deep_page = max(1, min(500, n // 20))

    def filtered(i: int, page: int = 1) -> str:
        genre = FILTER_GENRES[i % len(FILTER_GENRES)]
        url = f"/api/movies/?genre={genre}&min_vote_average=7&ordering=-release_date"
        return f"{url}&page={page}" if page > 1 else url

    scenarios: dict[str, Callable[[int], str]] = {
        "list page 1 (default order)": lambda i: "/api/movies/",
        f"list page {deep_page} (deep)": lambda i: f"/api/movies/?page={deep_page}",
        "genre+min_vote+-release_date": filtered,
        "search": lambda i: f"/api/movies/?search={quote(SEARCH_WORDS[i % len(SEARCH_WORDS)])}",
        "detail": lambda i: f"/api/movies/{1 + (i * 7919) % n}/",
    }
    requests, cold_requests = common.BENCH_REQUESTS, common.BENCH_UNCACHED_REQUESTS

    def get(url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:200]!r}")
        return response

    uncached, cached, sql = [], [], {}
    for name, url_for in scenarios.items():
        print(f"api: {name}", file=sys.stderr)
        cold, hot, queries = _scenario(name, url_for, get, cold_requests, requests)
        uncached.append(cold)
        cached.append(hot)
        sql[name] = queries

    # Later pages of one filter set: the COUNT is cached per filter set, the page is not.
    print("api: count cache", file=sys.stderr)
    cache.clear()
    first = common.captured(lambda: get(filtered(0)))
    second = common.captured(lambda: get(filtered(0, page=2)))

    def page2_before(i: int) -> None:
        cache.clear()
        get(filtered(i))  # page 1 computes and caches the count

    timings = common.measure(cold_requests, lambda i: get(filtered(i, page=2)), before=page2_before)
    later = Latency.of(
        "genre+min_vote page 2 (COUNT cached)",
        timings,
        queries=len(second),
        notes=common.sql_ms(second),
    )
    count_cache = {
        "page1_queries": [q["sql"] for q in first],
        "page2_queries": [q["sql"] for q in second],
        "count_served_from_cache_on_page2": not any(common.is_count(q["sql"]) for q in second),
    }

    explain = {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        for name in ("genre+min_vote+-release_date", "search"):
            for query in sql[name]:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                kind = "COUNT" if common.is_count(query["sql"]) else "page"
                explain[f"{name}: {kind}"] = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "movies": n,
        "seed_seconds": seed_seconds,
        "requests_per_scenario": {"uncached": cold_requests, "cached": requests},
        "postgres_jit": jit,
        "load_average": load_average,
        "uncached": [*uncached, later],
        "cached": cached,
        "sql_uncached": sql,
        "count_cache": count_cache,
        "explain": explain,
    }


def _scenario(
    name: str,
    url_for: Callable[[int], str],
    get: Callable[[str], Any],
    cold_requests: int,
    requests: int,
) -> tuple[Latency, Latency, list[dict[str, str]]]:
    """Uncached then cached latency of GET ``url_for(i)``; the SQL of one uncached request."""
    from django.core.cache import cache

    for i in range(3):  # warm PostgreSQL's buffers and the code paths
        cache.clear()
        get(url_for(i))
    cache.clear()
    queries = common.captured(lambda: get(url_for(0)))
    timings = common.measure(
        cold_requests, lambda i: get(url_for(i)), before=lambda i: cache.clear()
    )
    uncached = Latency.of(name, timings, queries=len(queries), notes=common.sql_ms(queries))
    for url in {url_for(i) for i in range(requests)}:
        get(url)  # fill the cache
    hit = common.captured(lambda: get(url_for(0)))
    timings = common.measure(requests, lambda i: get(url_for(i)))
    return uncached, Latency.of(name, timings, queries=len(hit)), queries


# Orchestration.


def _run_phase(phase: str) -> dict[str, Any]:
    """Run a phase in a fresh interpreter (its own Django settings); its JSON is the last line
    of its stdout."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.catalog", "--phase", phase],
        cwd=common.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(demo: dict[str, Any], sync: dict[str, Any], api: dict[str, Any]) -> None:
    print(
        f"\n== Catalog benchmark: {api['movies']:,} movies ({common.seeded(api['seed_seconds'])}), "
        f"PostgreSQL JIT {api['postgres_jit']}, "
        f"load average at start {api['load_average']} on {os.cpu_count()} CPUs"
    )
    common.print_table(
        "1. Demo catalog load, fresh SQLite file (target < 10 s)",
        ["movies created", "genre links", "seconds", "movies/s", "rerun (no-op) s"],
        [
            [
                demo["created"],
                demo["genre_links"],
                demo["seconds"],
                demo["movies_per_second"],
                demo["rerun_seconds"],
            ]
        ],
    )
    common.print_table(
        "2. Sync from the fake TMDB server into PostgreSQL",
        ["sync", "rate cap/s", "HTTP req", "movies", "seconds", "movies/s", "req/s", "DB share %"],
        [
            [
                r["kind"],
                "off" if r["rate_cap"] is None else r["rate_cap"],
                r["http_requests"],
                r["movies"],
                r["seconds"],
                r["movies_per_second"],
                r["requests_per_second"],
                r["db_share"] * 100,
            ]
            for r in sync["runs"]
        ],
    )
    common.latency_table(
        "3a. API latency, UNCACHED (cache cleared before each request; notes: SQL ms)",
        api["uncached"],
    )
    common.latency_table(
        "3b. API latency, CACHED (Redis)",
        api["cached"],
    )
    cc = api["count_cache"]
    print(
        "\nCOUNT on page 2 of the same filter set served from the cache: "
        f"{'yes' if cc['count_served_from_cache_on_page2'] else 'NO'} "
        f"(page 1: {len(cc['page1_queries'])} queries, page 2: {len(cc['page2_queries'])})"
    )
    for name, plan in api["explain"].items():
        if name.startswith("genre+min_vote+"):
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) filtered+ordered page, {name}:\n{plan}")
        else:  # the rest is in the JSON
            print(f"\nEXPLAIN {name}: {plan.splitlines()[-1].strip()} (plan in the JSON)")
    target = next(r for r in api["uncached"] if r.scenario.startswith("genre+min_vote+"))
    hit = next(r for r in api["cached"] if r.scenario.startswith("genre+min_vote+"))
    print(
        f"\nTarget p95 < 50 ms, filtered+ordered page: uncached {target.p95:.1f} ms "
        f"({'met' if target.p95 < 50 else 'NOT met'}), cached {hit.p95:.1f} ms "
        f"({'met' if hit.p95 < 50 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=["demo", "sync"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    phases = {"demo": phase_demo, "sync": phase_sync}
    if args.phase in phases:
        print(json.dumps(phases[args.phase](), default=str))
        return
    started = time.perf_counter()
    demo = _run_phase("demo")
    sync = _run_phase("sync")
    api = phase_api()
    report(demo, sync, api)
    path = common.write_results(
        "catalog",
        {"demo_load": demo, "sync": sync, "api": api, "seconds": time.perf_counter() - started},
    )
    print(f"\nFigures written to {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
