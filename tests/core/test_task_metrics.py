"""A Celery worker serves its metrics on CELERY_METRICS_PORT (core.task_signals): its own
registry, or with PROMETHEUS_MULTIPROC_DIR those of all its pool's processes (the folder
emptied first, as gunicorn does)."""

import socket
import urllib.request

import pytest

from core import task_signals
from core.metrics import TASKS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def test_no_port_no_server(monkeypatch):
    monkeypatch.delenv("CELERY_METRICS_PORT", raising=False)
    assert task_signals._serve_metrics() is None


@pytest.mark.parametrize("multiprocess", [False, True])
def test_the_worker_serves_its_metrics(monkeypatch, tmp_path, multiprocess):
    port = free_port()
    monkeypatch.setenv("CELERY_METRICS_PORT", str(port))
    stale = tmp_path / "counter_123.db"
    stale.write_bytes(b"")
    if multiprocess:
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    else:
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    TASKS.labels("tests.task", "success").inc()

    server = task_signals._serve_metrics()
    try:
        text = scrape(port)
    finally:
        server.shutdown()
        server.server_close()

    if multiprocess:  # this process writes no files: the folder's (emptied) are served
        assert not stale.exists() and "tests.task" not in text
    else:
        assert 'celery_tasks_total{outcome="success",task="tests.task"}' in text
