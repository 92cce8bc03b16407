"""TMDB hung (it accepts connections and never answers), as a deployment meets it: gunicorn's
sync workers with the production configuration. A detail whose details are missing answers
from what is stored: each worker waits on TMDB once at most, within its budget
(CATALOG['DETAILS_TIMEOUT'], 1 s), and not again while its breaker is open; the fetch is queued
for the worker. Eight such requests at once from one client: another client's requests, sent
while the eight are pending and a worker waits on TMDB, are all answered. What bounds their wait
is behaviour, asserted: at most one TMDB wait per worker. The client's timeout only keeps a
regression from hanging the test; the durations are printed, not asserted."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hung_server import HungServer

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
MISSING = 8  # movies without details, one request each, at once
CREATE = f"""
from catalog.models import Movie
Movie.objects.bulk_create(
    [Movie(tmdb_id=1000 + i, title=f"Missing {{i}}") for i in range({MISSING})]
    + [Movie(tmdb_id=1, title="Complete", runtime=90, details_synced_at="2026-01-01T00:00Z")]
)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, dict, float]:
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, json.loads(response.read()), time.monotonic() - started


@pytest.fixture
def hung_tmdb():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def gunicorn(tmp_path, hung_tmdb):
    (tmp_path / "broker").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.catalog.outage_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TMDB_BASE_URL": f"http://127.0.0.1:{hung_tmdb.port}/3",
        "TEST_BROKER_DIR": str(tmp_path / "broker"),
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("REDIS_URL", None)  # each worker's own memory: the test is about one process's breaker
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], **run)  # noqa: S603
    subprocess.run([*manage, "shell", "-c", CREATE], **run)  # noqa: S603
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "gunicorn exited"
            with contextlib.suppress(OSError):
                if get(port, "/api/health/")[0] == 200:
                    break
            assert time.monotonic() < deadline, "gunicorn not ready after 60 s"
            time.sleep(0.2)
        yield port, tmp_path / "broker"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_details_missing_and_tmdb_hung(gunicorn, hung_tmdb):
    port, broker = gunicorn
    _, page, _ = get(port, "/api/movies/")
    missing = [m["id"] for m in page["results"] if m["title"].startswith("Missing")]
    complete = next(m["id"] for m in page["results"] if m["title"] == "Complete")
    assert len(missing) == MISSING

    with ThreadPoolExecutor(MISSING + 3) as pool:
        details = [pool.submit(get, port, f"/api/movies/{pk}/") for pk in missing]
        deadline = time.monotonic() + 10
        while not hung_tmdb.accepted:  # a worker is waiting on TMDB for one of the eight
            assert time.monotonic() < deadline, "no detail asked TMDB"
            time.sleep(0.01)
        pending = sum(not future.done() for future in details)
        others = [
            pool.submit(get, port, path, 10)
            for path in ("/api/health/", f"/api/movies/{complete}/", "/api/genres/")
        ]
        details_done = [future.result() for future in details]
        others_done = [future.result() for future in others]

    assert pending >= 1  # the other client's requests were sent while details were pending
    for status, body, _ in details_done:
        assert status == 200
        assert body["runtime"] is None and body["vote_count"] is None  # what is stored
    assert [status for status, _, _ in others_done] == [200, 200, 200]
    details_max = max(seconds for _, _, seconds in details_done)
    others_max = max(seconds for _, _, seconds in others_done)
    print(f"details: max {details_max:.2f}s; the other client's: max {others_max:.2f}s")
    # Each worker waited on TMDB once at most: its breaker kept the other requests off it.
    assert 1 <= len(hung_tmdb.accepted) <= WORKERS
    # Every missing movie's fetch is queued for the worker, once.
    queued = [json.loads(path.read_text()) for path in broker.iterdir()]
    names = [message["headers"]["task"] for message in queued]
    assert names == ["catalog.tasks.movie_details_fetch"] * MISSING
