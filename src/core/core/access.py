"""One access line and one metric sample per request, under the request's id.

``AccessMiddleware`` comes first in ``MIDDLEWARE``: it takes the request's id (or makes one,
``core.request_ids``), binds it for every log line of the request, returns it as
``X-Request-ID`` and, once the answer is ready, logs one line on the ``core.access`` logger
(method, route pattern, status, duration, user id, request id: never the path, whose query may
hold anything, nor any header) and observes the request in ``http_request_duration_seconds``.
"""

import logging
import re
import time
from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty

from core import request_ids
from core.metrics import HTTP_REQUESTS

logger = logging.getLogger("core.access")

# Any other method is counted as "other": a client must not be able to add label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "[unmatched]"  # no URL pattern: answered by a middleware (a redirect, a static file)
# A pattern's parameters, as a regex group (DRF's routers) or a path converter.
_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
_ANCHOR = re.compile(r"(?:^|(?<=/))\^|\$$")


@lru_cache(maxsize=512)
def route_label(route: str) -> str:
    """``api/movies/(?P<pk>[^/.]+)/$`` and ``api/movies/<int:pk>/`` -> ``/api/movies/{pk}/``."""
    label = _PARAMETER.sub(lambda match: "{%s}" % (match[1] or match[2]), route)
    return "/" + _ANCHOR.sub("", label)


def _route(request: HttpRequest) -> str:
    match = request.resolver_match
    return route_label(match.route) if match is not None else UNMATCHED


def _user_id(request: HttpRequest) -> int | str | None:
    """The authenticated user's id; None when anonymous or never looked up (reading the lazy
    session user here would cost a query that the request itself did not make)."""
    user = request.__dict__.get("user")
    if user is None or (type(user) is SimpleLazyObject and user._wrapped is empty):  # type: ignore[attr-defined]  # LazyObject's own slot
        return None
    pk: int | str | None = getattr(user, "pk", None)
    return pk


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        request_id = request_ids.accepted(request.META.get(request_ids.META_KEY))
        # Bound until the response is closed (core.request_ids): Django logs a 4xx or 5xx
        # after the middleware has returned.
        request_ids.bind(request_id)
        response = self.get_response(request)
        response[request_ids.HEADER] = request_id
        seconds = time.perf_counter() - start
        method = request.method if request.method in METHODS else "other"
        route, status = _route(request), response.status_code
        HTTP_REQUESTS.labels(method, route, str(status)).observe(seconds)
        logger.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "user_id": _user_id(request),
            },
        )
        return response
