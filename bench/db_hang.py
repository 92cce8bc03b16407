"""PostgreSQL hung for a while under load (``python -m bench.db_hang``, ``make bench-db-hang``).

gunicorn as deployed (production settings, ``config/gunicorn.py``'s workers) reaches PostgreSQL
through a relay (``core.testing.Relay``) that is paused for ``BENCH_HANG_SECONDS`` (40) after
``BENCH_HANG_WARMUP`` (10) seconds of load, then restored for as long. The load: clients
reading cached answers (a movie, a user's favorites page; no query) and clients writing
(adding favorites: each needs the database). Printed per phase: the cached reads'
latencies, the writes' statuses and slowest answer, workers killed (gunicorn's WORKER TIMEOUT),
and whether every favorite whose addition was answered 201 is stored at the end.
"""

import collections
import http.client
import json
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import common
from bench.load import data, server

HANG = float(os.environ.get("BENCH_HANG_SECONDS", "40"))
WARMUP = float(os.environ.get("BENCH_HANG_WARMUP", "10"))
READERS = int(os.environ.get("BENCH_HANG_READERS", "8"))
WRITERS = int(os.environ.get("BENCH_HANG_WRITERS", "4"))
DATASET = data.DataSet(movies=1000, users=WRITERS + READERS, favorites_per_user=5)


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int


@dataclass
class Load:
    url: str
    samples: list[Sample] = field(default_factory=list)
    added: list[tuple[int, int, float]] = field(default_factory=list)  # (user, movie, when)
    already: int = 0  # 400s: the movie was stored though its request was answered 503
    stop: threading.Event = field(default_factory=threading.Event)
    hang_started: float = float("inf")

    def request(self, conn: http.client.HTTPConnection, kind: str, method: str, path: str,
                token: str, body: dict | None = None) -> tuple[int, bytes]:  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        started = time.monotonic()
        try:
            conn.request(method, path, json.dumps(body) if body else None, headers)
            response = conn.getresponse()
            status, content = response.status, response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            status, content = 0, b""
        self.samples.append(Sample(kind, started, time.monotonic() - started, status))
        return status, content

    def reader(self, token: str, movie_id: int) -> None:
        conn = http.client.HTTPConnection(urlsplit(self.url).netloc, timeout=60)
        while not self.stop.is_set():
            self.request(conn, "cached", "GET", f"/api/movies/{movie_id}/", token)
            self.request(conn, "cached", "GET", "/api/favorite-movies/", token)

    def writer(self, user_id: int, token: str, movie_ids: list[int]) -> None:
        """Adds the movies one by one: every 201 must be stored at the end."""
        conn = http.client.HTTPConnection(urlsplit(self.url).netloc, timeout=60)
        pending = list(movie_ids)
        while pending and not self.stop.is_set():
            movie_id = pending[0]
            status, _ = self.request(conn, "write", "POST", "/api/favorite-movies/", token,
                                     {"movie_id": movie_id})  # fmt: skip
            if status == 201:
                self.added.append((user_id, movie_id, self.samples[-1].started))
            if status in (201, 400):  # 400: added by a request answered 503 (see the report)
                if status == 400:
                    self.already += 1
                pending.pop(0)
            time.sleep(0.02)


class RelayProcess:
    """``core.testing.Relay`` in a process of its own: the load's threads here would otherwise
    take the GIL from its forwarding threads and slow every query down."""

    def __init__(self, host: str, port: int) -> None:
        context = multiprocessing.get_context("fork")
        self.commands: multiprocessing.Queue = context.Queue()
        ports: multiprocessing.Queue = context.Queue()
        self.process = context.Process(
            target=self._serve, args=(host, port, ports, self.commands), daemon=True
        )
        self.process.start()
        self.port = ports.get(timeout=10)

    @staticmethod
    def _serve(
        host: str, port: int, ports: multiprocessing.Queue, commands: multiprocessing.Queue
    ) -> None:
        from core.testing import Relay

        relay = Relay(host, port)
        ports.put(relay.port)
        while (command := commands.get()) != "close":
            getattr(relay, command)()
        relay.close()

    def send(self, command: str) -> None:
        self.commands.put(command)

    def close(self) -> None:
        self.send("close")
        self.process.join(timeout=10)


def phase_rows(load: Load, phases: list[tuple[str, float, float]]) -> list[list[object]]:
    rows = []
    for name, start, end in phases:
        for kind in ("cached", "write"):
            picked = [s for s in load.samples if start <= s.started < end and s.kind == kind]
            if not picked:
                continue
            seconds = sorted(s.seconds for s in picked)
            statuses = collections.Counter(s.status for s in picked)
            rows.append([
                name, kind, len(picked),
                f"{1000 * common.percentile(seconds, 50):.1f}",
                f"{1000 * common.percentile(seconds, 99):.1f}",
                f"{1000 * seconds[-1]:.0f}",
                " ".join(f"{code}:{n}" for code, n in sorted(statuses.items())),
            ])  # fmt: skip
    return rows


def main() -> None:
    os.environ.setdefault("BENCH_LOAD_DATABASE", "movies_bench_hang")
    env = data.setup(DATASET, data.new_secret_key())
    data.seed(DATASET, recommendations=False)
    from django.conf import settings
    from django.db import connection

    from favorites.models import FavoriteMovie

    database = settings.DATABASES["default"]
    relay = RelayProcess(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    env = {
        **env,
        "DATABASE_URL": f"postgres://{database['USER']}@127.0.0.1:{relay.port}/{database['NAME']}",
        "BENCH_COUNT_QUERIES": "0",
    }
    users = list(range(1, READERS + WRITERS + 1))
    tokens = data.access_tokens(users)
    writers = users[READERS:]
    FavoriteMovie.objects.filter(user_id__in=writers).delete()
    data.flush_cache()
    connection.close()
    with (
        server.log_directory() as logs,
        server.gunicorn(
            "config.wsgi:application", env, health_path="/api/health/", log_dir=logs
        ) as gunicorn,
    ):
        workers_before = set(gunicorn.worker_pids())
        load = Load(gunicorn.url)
        threads = [
            threading.Thread(target=load.reader, args=(tokens[u], 1 + u)) for u in users[:READERS]
        ] + [
            threading.Thread(target=load.writer, args=(u, tokens[u], list(range(1, 1001))))
            for u in writers
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(WARMUP)
        load.hang_started = time.monotonic()
        relay.send("pause")
        time.sleep(HANG)
        relay.send("restore")
        restored = time.monotonic()
        time.sleep(WARMUP)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=70)
        end = time.monotonic()
        log = gunicorn.log.read_text(errors="replace")
        killed = log.count("WORKER TIMEOUT")
        timeouts = log.count("did not answer in time")
        workers_after = set(gunicorn.worker_pids())
    relay.close()

    stored = set(FavoriteMovie.objects.values_list("user_id", "movie_id"))
    before = [(u, m) for u, m, when in load.added if when < load.hang_started]
    lost = [(u, m) for u, m, _ in load.added if (u, m) not in stored]
    common.print_table(
        f"PostgreSQL hung {HANG:.0f} s under load ({READERS} cached readers, {WRITERS} writers, "
        f"{server.WORKERS} sync workers)",
        ["phase", "requests", "n", "p50 ms", "p99 ms", "max ms", "statuses"],
        phase_rows(
            load,
            [
                ("before", start, load.hang_started),
                ("hung", load.hang_started, restored),
                ("after", restored, end),
            ],
        ),
    )
    replaced = len(workers_before - workers_after)
    print(f"workers killed (WORKER TIMEOUT): {killed}; workers replaced: {replaced}")
    print(f"database timeouts logged by the workers: {timeouts}")
    print(
        f"favorites answered 201: {len(load.added)} ({len(before)} before the hang); not stored "
        f"afterwards: {len(lost)}; added though answered 503: {load.already}"
    )
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
