"""Prometheus metrics (prometheus-client): what the app counts, and ``/metrics``, which serves them.

Under gunicorn every worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR``
(config/gunicorn.py makes one and empties it at start) and a scrape, answered by any worker,
adds them all up: prometheus-client's multiprocess mode. Without that variable (``make run``,
tests) the process's own registry is served.

``/metrics`` is for Prometheus only: nginx refuses it from outside, and when
``settings.METRICS_TOKEN`` is set it answers only ``Authorization: Bearer <token>``.
"""

import hmac
import logging
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from core.conf import installed_entries

logger = logging.getLogger(__name__)

# Seconds: a cached read takes 1-20 ms, a miss 10-150 ms, a slow request seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Histogram(
    "http_request_duration_seconds",
    "Requests served, by method, route pattern and status, and how long they took.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
CACHE_READS = Counter(
    "cache_reads_total",
    "Reads of versioned cache entries, by namespace and result (hit, miss).",
    ["namespace", "result"],
)
THROTTLED = Counter(
    "throttled_requests_total", "Requests refused by a throttle (429), by scope.", ["scope"]
)
BREAKER_STATE = Gauge(
    "redis_breaker_state",
    "The Redis circuit breaker: 0 closed, 1 half-open, 2 open (the highest of the workers').",
    ["server"],
    multiprocess_mode="livemax",
)
BREAKER_OPENS = Counter(
    "redis_breaker_opens_total", "Times a worker's Redis circuit breaker opened.", ["server"]
)

TASKS = Counter(
    "celery_tasks_total",
    "Celery tasks run, by task and outcome (success, failure, retry, ...).",
    ["task", "outcome"],
)
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "How long Celery tasks ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
)

# The parts of a cache key that name one entry (an id, a digest) rather than its namespace.
_KEY_TAIL = re.compile(r"[:_](?:\d|[0-9a-f]{16}).*")


@lru_cache(maxsize=1024)
def cache_namespace(key: str) -> str:
    """A key's namespace: ``favorite_movie_list_7_page_2`` -> ``favorite_movie_list``,
    ``catalog:movie:12`` -> ``catalog:movie``."""
    return _KEY_TAIL.sub("", key)


def count_cache_read(key: str, hit: bool) -> None:
    CACHE_READS.labels(cache_namespace(key), "hit" if hit else "miss").inc()


# --- Computed at scrape time --------------------------------------------------------------------


class LastSuccessCollector:
    """``last_success_age_seconds{name}``: how long ago each job last succeeded, read when
    scraped from what the jobs record (``METRICS_LAST_SUCCESS``: name -> dotted path of a
    function returning that time, or None if it never did; the entries of apps that are not
    installed are skipped). With the database down they are left out: the rest of the scrape
    matters most then."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "last_success_age_seconds",
            "Seconds since the job last succeeded (absent: never).",
            labels=["name"],
        )
        now = timezone.now()
        for name, function in _last_success_functions().items():
            try:
                when = function()
            except DatabaseError as exc:
                logger.warning("metrics: %s's last success unknown: %r", name, exc)
                continue
            if when is not None:
                family.add_metric([name], (now - when).total_seconds())
        yield family


def _last_success_functions() -> dict[str, Callable[[], datetime | None]]:
    entries = installed_entries(getattr(settings, "METRICS_LAST_SUCCESS", {}))
    return {name: import_string(path) for name, path in entries.items()}


def exposition() -> bytes:
    """Every metric in Prometheus's text format: all workers' when in multiprocess mode."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # registers itself
        samples = generate_latest(registry)
    else:
        samples = generate_latest(REGISTRY)
    computed = CollectorRegistry()
    computed.register(LastSuccessCollector())
    return samples + generate_latest(computed)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: the exposition; with ``METRICS_TOKEN`` set, only to its bearer."""
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, f"Bearer {token}".encode()):
            response = JsonResponse({"detail": "Invalid metrics token."}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
