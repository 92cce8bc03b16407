"""Celery tasks under the id of the request that queued them, logged and counted.

Celery's own signals (connected when config/celery.py imports this module):

- ``before_task_publish``: the current request's id (``core.request_ids``) goes into the task's
  message headers, so the worker's lines for it carry the same id as nginx's and the app's;
- ``task_prerun`` / ``task_postrun``: the task runs under that id (a task beat sent runs under
  its own task id), logs one line as it starts and one as it ends (``core.tasks`` logger: task,
  task id, duration, outcome) and is counted in ``celery_tasks_total`` and
  ``celery_task_duration_seconds``;
- the worker's metrics: with ``CELERY_METRICS_PORT`` set, the worker serves them on that port
  (all its pool processes' when ``PROMETHEUS_MULTIPROC_DIR`` is set, as for gunicorn).
"""

import logging
import os
import time
from contextvars import Token
from http.server import HTTPServer
from pathlib import Path
from typing import Any

from celery import Task
from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_shutdown,
)
from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client import multiprocess as prometheus_multiprocess

from core import request_ids
from core.metrics import TASK_DURATION, TASKS

logger = logging.getLogger("core.tasks")
HEADER = "request_id"  # the message header that carries the id
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
# task id -> (when it started, the token that puts the id bound before it back)
_running: dict[str, tuple[float, Token[str | None]]] = {}


@before_task_publish.connect(dispatch_uid="core.task_signals.publish")
def _carry_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = request_ids.current()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect(dispatch_uid="core.task_signals.prerun")
def _started(task_id: str, task: "Task[Any, Any]", **kwargs: Any) -> None:
    # An eager task (tests) runs inside its request: it keeps the request's id.
    request_id = getattr(task.request, HEADER, None) or request_ids.current() or task_id
    _running[task_id] = (time.perf_counter(), request_ids.bind(request_id))
    logger.info("task %s started", task.name, extra={"task": task.name, "task_id": task_id})


@task_postrun.connect(dispatch_uid="core.task_signals.postrun")
def _ended(task_id: str, task: "Task[Any, Any]", state: str | None = None, **kwargs: Any) -> None:
    started, previous = _running.pop(task_id, (time.perf_counter(), None))
    seconds = time.perf_counter() - started
    outcome = (state or "UNKNOWN").lower()  # success, failure, retry, ignored...
    TASKS.labels(task.name, outcome).inc()
    TASK_DURATION.labels(task.name).observe(seconds)
    logger.log(
        logging.INFO if outcome == "success" else logging.WARNING,
        "task %s %s",
        task.name,
        outcome,
        extra={
            "task": task.name,
            "task_id": task_id,
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
    if previous is not None:
        request_ids.reset(previous)


@worker_init.connect(dispatch_uid="core.task_signals.metrics")
def _serve_metrics(**kwargs: Any) -> HTTPServer | None:
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return None
    registry = REGISTRY
    folder = os.environ.get(MULTIPROC_DIR)
    if folder:  # the pool's processes write there: emptied first, as gunicorn does
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # registers itself
    server, _ = start_http_server(int(port), registry=registry)
    return server


@worker_process_shutdown.connect(dispatch_uid="core.task_signals.process_gone")
def _process_gone(pid: int | None = None, **kwargs: Any) -> None:
    if os.environ.get(MULTIPROC_DIR):
        prometheus_multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]  # untyped
