"""Shared plumbing of the benchmarks: Django setup on a chosen database, the bench database,
latency statistics, the printed tables and the JSON results."""

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
PG_SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "movies_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BENCH_MOVIES = int(os.environ.get("BENCH_MOVIES", "1000000"))
BENCH_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
# Uncached requests cost up to ~0.5 s each at 1M movies: fewer keep `make bench` short.
BENCH_UNCACHED_REQUESTS = int(os.environ.get("BENCH_UNCACHED_REQUESTS", "100"))


def database_url(name: str) -> str:
    """The URL of database ``name`` on the bench PostgreSQL server."""
    parts = urlsplit(PG_SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(name: str) -> None:
    """Create the PostgreSQL database ``name`` unless it exists (outside Django: no DB yet)."""
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    except psycopg2.OperationalError as exc:
        sys.exit(f"PostgreSQL is not reachable at {PG_SERVER_URL}: {exc}(try `make bench`)")
    finally:
        connection.close()


def setup_django(*, database: str, redis_url: str = "") -> None:
    """Point the bench settings at ``database`` (a URL) and ``redis_url`` ("" for local memory),
    set Django up and migrate. Must run before any model is imported."""
    os.environ["DATABASE_URL"] = database
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if redis_url:
        check_redis()


def check_redis() -> None:
    """Exit with a clear message when the cache does not answer (django-redis would hide it)."""
    from django_redis import get_redis_connection
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        get_redis_connection("default").ping()
    except RedisConnectionError as exc:
        sys.exit(f"Redis is not reachable at {os.environ['REDIS_URL']}: {exc} (try `make bench`)")


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Latency:
    """Latency figures of one scenario, in milliseconds."""

    scenario: str
    requests: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    queries: int | None = None  # SQL queries of one request, when counted
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: str, seconds: Iterable[float], **kwargs: Any) -> "Latency":
        ms = sorted(s * 1000 for s in seconds)
        return cls(
            scenario=scenario,
            requests=len(ms),
            p50=percentile(ms, 50),
            p95=percentile(ms, 95),
            p99=percentile(ms, 99),
            mean=statistics.fmean(ms),
            max=ms[-1],
            **kwargs,
        )


def measure(
    n: int, call: Callable[[int], Any], *, before: Callable[[int], Any] | None = None
) -> list[float]:
    """Time ``call(i)`` for i in 0..n-1; ``before(i)`` runs first, untimed (e.g. clear a cache)."""
    timings = []
    for i in range(n):
        if before is not None:
            before(i)
        started = time.perf_counter()
        call(i)
        timings.append(time.perf_counter() - started)
    return timings


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain text table: text left-aligned, numbers right-aligned with 1 decimal."""

    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    body = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in body) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    print(f"\n{title}")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in body:
        print(line(row))


def _is_number(text: str) -> bool:
    return text == "-" or text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


def latency_table(title: str, rows: Iterable[Latency]) -> None:
    print_table(
        title,
        ["scenario", "n", "p50 ms", "p95 ms", "p99 ms", "mean ms", "max ms", "SQL/req", "notes"],
        [
            [r.scenario, r.requests, r.p50, r.p95, r.p99, r.mean, r.max, r.queries, r.notes]
            for r in rows
        ],
    )


def seeded(seconds: float) -> str:
    """How a seed went: its duration, or that the data was already there (seconds == 0)."""
    return f"seeded in {seconds:.1f} s" if seconds else "already seeded"


def write_results(name: str, data: dict[str, Any]) -> Path:
    """Write ``data`` to bench/results/<name>.json and return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=_jsonable) + "\n")
    return path


def _jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def captured(call: Callable[[], Any]) -> list[dict[str, str]]:
    """The SQL statements ``call`` ran (``sql``, ``time`` in seconds as Django records them, to
    the millisecond), transaction control (BEGIN, COMMIT, savepoints) left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return [q for q in context.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


def is_count(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT COUNT(")


def sql_ms(queries: list[dict[str, str]]) -> str:
    """``COUNT 120.0 + SELECT 1.0``: the milliseconds of each statement of one request."""
    return " + ".join(
        f"{'COUNT' if is_count(q['sql']) else q['sql'].split()[0]} {float(q['time']) * 1000:.0f}"
        for q in queries
    )
