"""Liveness and readiness for compose and orchestrators: database and cache status."""

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
    except Exception:
        logger.exception("health: cache check failed")
        return False


COMPONENT_STATES = ["ok", "error"]
HealthSerializer = inline_serializer(
    "HealthResponse",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "database": serializers.ChoiceField(choices=COMPONENT_STATES),
        "cache": serializers.ChoiceField(choices=COMPONENT_STATES),
    },
)


class HealthView(APIView):
    """200 when the database and the cache both answer, 503 otherwise."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type[BaseThrottle]] = []

    @extend_schema(
        tags=["health"],
        summary="Health check",
        responses={200: HealthSerializer, 503: HealthSerializer},
        examples=[
            OpenApiExample(
                "Healthy",
                value={"status": "ok", "database": "ok", "cache": "ok"},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Cache down",
                value={"status": "degraded", "database": "ok", "cache": "error"},
                response_only=True,
                status_codes=["503"],
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        checks = {"database": _database_ok(), "cache": _cache_ok()}
        healthy = all(checks.values())
        body = {"status": "ok" if healthy else "degraded"}
        body.update({name: "ok" if ok else "error" for name, ok in checks.items()})
        return Response(body, status=200 if healthy else 503)
