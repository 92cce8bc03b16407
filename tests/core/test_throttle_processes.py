"""Throttles count atomically across processes (gunicorn's workers): processes counting one
client's requests at once, in Redis, let exactly the rate through, never more."""

import multiprocessing
import os
import secrets

import pytest
from django.conf import settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.api.throttling import AnonymousRateThrottle

pytestmark = pytest.mark.skipif(
    "django_redis" not in settings.CACHES["default"]["BACKEND"], reason="needs Redis"
)
PROCESSES, TRIES, RATE = 4, 60, 100


def _count(address: str, ready, go, allowed) -> None:
    request = Request(APIRequestFactory().get("/api/movies/", REMOTE_ADDR=address))
    ready.wait()
    go.wait()
    allowed.put(
        sum(AnonymousRateThrottle().allow_request(request, APIView()) for _ in range(TRIES))
    )
    allowed.close()
    allowed.join_thread()  # sent before the process ends
    os._exit(0)  # no pytest teardown in the child


def test_processes_counting_one_client_at_once_let_exactly_the_rate_through(throttle_rates):
    throttle_rates(anon=f"{RATE}/min")
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    context = multiprocessing.get_context("fork")
    ready, go, allowed = context.Barrier(PROCESSES + 1), context.Event(), context.Queue()
    workers = [
        context.Process(target=_count, args=(address, ready, go, allowed)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    ready.wait()
    go.set()
    counts = [allowed.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    assert sum(counts) == RATE
