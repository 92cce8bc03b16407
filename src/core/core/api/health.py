"""Probes for compose, orchestrators and load balancers.

- ``/api/health/live``: the process answers (touches nothing): a liveness probe, whose failure
  means "restart me".
- ``/api/health/ready``: the database answers, so requests can be served: 200, "ok", or
  "degraded" while the cache (Redis) is down, since the API then serves from the database;
  503 when the database does not answer. A readiness probe, a load balancer's check.
- ``/api/health/``, the old path, is the readiness probe (it answered 503 for a cache outage
  up to 2.0.0).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        logger.exception("health: database check failed")
        return False


def _cache_ok() -> bool:
    key, value = f"health:{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, timeout=5)
        ok: bool = cache.get(key) == value
        cache.delete(key)
        return ok
    except Exception as exc:
        # A warning: the API serves from the database meanwhile (and the breaker logs it too).
        logger.warning("health: cache check failed: %r", exc)
        return False


COMPONENT_STATES = ["ok", "error"]
LiveSerializer = inline_serializer(
    "LiveResponse", {"status": serializers.ChoiceField(choices=["ok"])}
)
HealthSerializer = inline_serializer(
    "HealthResponse",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded", "unavailable"]),
        "database": serializers.ChoiceField(choices=COMPONENT_STATES),
        "cache": serializers.ChoiceField(choices=COMPONENT_STATES),
    },
)


class _Probe(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type[BaseThrottle]] = []


class LiveView(_Probe):
    """200 while the process answers requests."""

    @extend_schema(
        tags=["health"],
        summary="Liveness probe",
        responses={200: LiveSerializer},
        examples=[OpenApiExample("Alive", value={"status": "ok"}, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyView(_Probe):
    """200 when the database answers ("degraded" if the cache does not), 503 when it does not."""

    @extend_schema(
        tags=["health"],
        summary="Readiness probe",
        responses={200: HealthSerializer, 503: HealthSerializer},
        examples=[
            OpenApiExample(
                "Healthy",
                value={"status": "ok", "database": "ok", "cache": "ok"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Cache down: served from the database",
                value={"status": "degraded", "database": "ok", "cache": "error"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Database down",
                value={"status": "unavailable", "database": "error", "cache": "ok"},
                response_only=True,
                status_codes=["503"],
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        database, cache_ok = _database_ok(), _cache_ok()
        status = "ok" if database and cache_ok else "degraded" if database else "unavailable"
        body = {
            "status": status,
            "database": "ok" if database else "error",
            "cache": "ok" if cache_ok else "error",
        }
        return Response(body, status=200 if database else 503)
