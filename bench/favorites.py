"""Favorites benchmark: list latency cached vs uncached, add/delete latency, SQL per request.

    python -m bench.favorites        (or ``make bench-favorites``; run as a module, from the root)

PostgreSQL (``BENCH_DATABASE``, shared with the catalog benchmark: ``BENCH_MOVIES`` movies) and
Redis (``BENCH_REDIS_URL``), ``BENCH_USERS`` users (default 10,000) holding
``BENCH_FAVORITES_PER_USER`` favorites each (default 50). Requests go through DRF's in-process
``APIClient`` with a Bearer access token built by simplejwt (no login needed).
"""

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import common
from bench.common import Latency

USERS = int(os.environ.get("BENCH_USERS", "10000"))
PER_USER = int(os.environ.get("BENCH_FAVORITES_PER_USER", "50"))
LIST_USERS = 50  # list scenarios rotate over this many users
FANOUT_SIZES = (20, 5000)  # a TMDB list page; a chunk of a large sync or the demo load


def run() -> dict[str, Any]:
    common.ensure_database(common.BENCH_DATABASE)
    common.setup_django(
        database=common.database_url(common.BENCH_DATABASE), redis_url=common.BENCH_REDIS_URL
    )
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    from bench import seed
    from favorites.models import FavoriteMovie

    load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
    movies = common.BENCH_MOVIES
    seconds = {"movies": seed.seed_movies(movies)}
    seconds["favorites"] = seed.seed_favorites(users=USERS, per_user=PER_USER, movies=movies)

    users = list(get_user_model().objects.filter(pk__in=_list_user_ids()).order_by("pk"))
    clients = []
    for user in users:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        clients.append(client)
    requests, cold_requests = common.BENCH_REQUESTS, common.BENCH_UNCACHED_REQUESTS

    def call(method: str, i: int, url: str, expected: int, **kwargs: Any) -> Any:
        response = getattr(clients[i % len(clients)], method)(url, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.content!r}")
        return response

    pages = -(-PER_USER // 20)
    scenarios: dict[str, Callable[[int], Any]] = {
        "list page 1": lambda i: call("get", i, "/api/favorite-movies/", 200),
        f"list page {pages} (last)": lambda i: call(
            "get", i, f"/api/favorite-movies/?page={pages}", 200
        ),
        "list page_size=100": lambda i: call("get", i, "/api/favorite-movies/?page_size=100", 200),
    }
    uncached, cached, sql = [], [], {}
    for name, get in scenarios.items():
        print(f"favorites: {name}", file=sys.stderr)
        for i in range(len(clients)):  # warm PostgreSQL's buffers and the code paths
            get(i)
        cache.clear()
        queries = common.captured(lambda get=get: get(0))
        sql[f"{name}, uncached"] = queries
        timings = common.measure(cold_requests, get, before=lambda i: cache.clear())
        uncached.append(
            Latency.of(name, timings, queries=len(queries), notes=common.sql_ms(queries))
        )
        for i in range(len(clients)):
            get(i)  # every user's page cached
        queries = common.captured(lambda get=get: get(0))
        sql[f"{name}, cached"] = queries
        timings = common.measure(requests, get)
        cached.append(Latency.of(name, timings, queries=len(queries), notes=common.sql_ms(queries)))

    print("favorites: add/delete", file=sys.stderr)
    writes, write_sql = _writes(call, users[0].pk, requests, FavoriteMovie)
    sql.update(write_sql)
    fanout = _fanout(FavoriteMovie)
    return {
        "movies": movies,
        "users": USERS,
        "favorites_per_user": PER_USER,
        "seed_seconds": seconds,
        "load_average": load_average,
        "requests_per_scenario": {"uncached": cold_requests, "cached": requests},
        "uncached": uncached,
        "cached": cached,
        "writes": writes,
        "sql": sql,
        "movies_changed_fanout": fanout,
    }


def _list_user_ids() -> list[int]:
    """``LIST_USERS`` users spread over the seeded ids."""
    return sorted({1 + (i * 7919) % USERS for i in range(min(LIST_USERS, USERS))})


def _writes(
    call: Callable[..., Any], user_id: int, requests: int, model: Any
) -> tuple[list[Latency], dict[str, list[dict[str, str]]]]:
    """POST ``requests`` movies the user does not have yet, then DELETE them again."""
    owned = set(model.objects.filter(user_id=user_id).values_list("movie_id", flat=True))
    movie_ids = [m for m in range(1, requests + len(owned) + 2) if m not in owned][: requests + 1]
    added: list[int] = []

    def add(i: int) -> None:
        body = {"movie_id": movie_ids[i]}
        added.append(
            call("post", 0, "/api/favorite-movies/", 201, data=body, format="json").json()["id"]
        )

    def delete(i: int) -> None:
        call("delete", 0, f"/api/favorite-movies/{added[i]}/", 204)

    try:
        add_sql = common.captured(lambda: add(requests))  # the extra movie: counted, not timed
        delete_sql = common.captured(lambda: delete(0))
        added.pop(0)
        add_timings = common.measure(requests, add)
        delete_timings = common.measure(requests, delete)
    finally:  # leave the seeded favorites as they were
        model.objects.filter(user_id=user_id, movie_id__in=movie_ids).delete()
    return [
        Latency.of("add (POST)", add_timings, queries=len(add_sql), notes=common.sql_ms(add_sql)),
        Latency.of(
            "delete (DELETE)",
            delete_timings,
            queries=len(delete_sql),
            notes=common.sql_ms(delete_sql),
        ),
    ], {"add": add_sql, "delete": delete_sql}


def _fanout(model: Any) -> list[dict[str, Any]]:
    """Cost of ``favorite_user_ids_for_movies`` (run on every committed catalog change to find
    whose cached pages to drop) for the movies with the most fans, as written and without the
    default ordering that its DISTINCT drags in."""
    from django.db import connection

    from favorites.selectors import favorite_user_ids_for_movies

    results = []
    for size in FANOUT_SIZES:
        movie_ids = list(range(1, size + 1))
        queries = common.captured(lambda ids=movie_ids: favorite_user_ids_for_movies(movie_ids=ids))
        timings = common.measure(10, lambda i, ids=movie_ids: favorite_user_ids_for_movies(
            movie_ids=ids))  # fmt: skip
        unordered = model.objects.filter(movie_id__in=movie_ids).order_by()
        distinct = unordered.values_list("user_id", flat=True).distinct()
        fixed = common.measure(10, lambda i, qs=distinct: set(qs.all()))
        with connection.cursor() as cursor:
            rows_sent = 0
            for query in queries:
                sql = f"SELECT count(*) FROM ({query['sql']}) AS q"  # noqa: S608 (Django's SQL)
                cursor.execute(sql)
                rows_sent += cursor.fetchone()[0]
        results.append(
            {
                "movies": size,
                "users": len(favorite_user_ids_for_movies(movie_ids=movie_ids)),
                "rows_returned_as_written": rows_sent,
                "rows_returned_unordered": distinct.count(),
                "as_written": Latency.of(f"fan-out {size} movies, as written", timings),
                "unordered": Latency.of(f"fan-out {size} movies, .order_by() first", fixed),
                "sql": [q["sql"][:300] for q in queries],
            }
        )
    return results


def report(data: dict[str, Any]) -> None:
    print(
        f"\n== Favorites benchmark: {data['users']:,} users x {data['favorites_per_user']} "
        f"favorites ({common.seeded(data['seed_seconds']['favorites'])}), "
        f"{data['movies']:,} movies, PostgreSQL + Redis, "
        f"load average at start {data['load_average']} on {os.cpu_count()} CPUs"
    )
    common.latency_table("List, UNCACHED (cache cleared before each request)", data["uncached"])
    common.latency_table("List, CACHED (Redis)", data["cached"])
    common.latency_table("Writes (each bumps the user's cache version)", data["writes"])
    common.print_table(
        "movies_changed fan-out: favorite_user_ids_for_movies (10 runs each)",
        ["movies", "users", "rows as written", "rows unordered", "p50 ms", "p50 ms unordered"],
        [
            [
                f["movies"],
                f["users"],
                f["rows_returned_as_written"],
                f["rows_returned_unordered"],
                f["as_written"].p50,
                f["unordered"].p50,
            ]
            for f in data["movies_changed_fanout"]
        ],
    )
    print("\nSQL of one cached list page (target: the authentication query only):")
    for query in data["sql"]["list page 1, cached"]:
        print(f"  {query['sql'][:160]}")
    hit = data["cached"][0]
    print(
        f"\nCached page: {hit.queries} SQL quer{'y' if hit.queries == 1 else 'ies'} "
        f"({'target met' if hit.queries <= 1 else 'target NOT met'})"
    )


def main() -> None:
    started = time.perf_counter()
    data = run()
    report(data)
    data["seconds"] = time.perf_counter() - started
    path = common.write_results("favorites", data)
    print(f"\nFigures written to {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
