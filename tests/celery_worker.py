"""A real Celery worker for tests: Celery's embedded worker (a thread of the test process) on a
real broker, REDIS_URL's Redis when it is set (CI's suites on the real services), else kombu's
filesystem transport in a temporary folder. Other tests run tasks eagerly (settings/test.py)."""

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from celery.worker import WorkController

from config.celery import app


def broker(folder: Path) -> tuple[str, dict]:
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url, {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}
    (folder / "queue").mkdir(parents=True, exist_ok=True)
    (folder / "control").mkdir(parents=True, exist_ok=True)
    queue = str(folder / "queue")
    options = {"data_folder_in": queue, "data_folder_out": queue, "store_processed": False}
    return "filesystem://", {**options, "control_folder": str(folder / "control")}


def _drop_connections() -> None:
    """The app keeps the pools of the broker it first used: forget them (kombu keeps a pool per
    broker URL, which the next task published picks)."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def queued_tasks(folder: Path) -> Iterator[None]:
    """Tasks queued while in the block are published to the broker (not run eagerly)."""
    url, options = broker(folder)
    saved = {
        name: app.conf[name]
        for name in ("task_always_eager", "broker_url", "broker_transport_options")
    }
    app.conf.update(task_always_eager=False, broker_url=url, broker_transport_options=options)
    _drop_connections()
    if url.startswith("redis"):
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        yield
    finally:
        app.conf.update(saved)
        _drop_connections()


def running_worker() -> AbstractContextManager[WorkController]:
    """A worker consuming the broker of ``queued_tasks`` while in the block."""
    return start_worker(app, pool="solo", perform_ping_check=False, loglevel="INFO")


@contextmanager
def celery_worker(folder: Path) -> Iterator[WorkController]:
    """Tasks queued while in the block are published to the broker and run by a worker."""
    with queued_tasks(folder), running_worker() as worker:
        yield worker
