"""One place that turns exceptions into the API's JSON error bodies."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core import request_ids


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Service temporarily unavailable, try again later."
    default_code = "service_unavailable"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's errors from services, with the spec's fixed messages.

    Every error but field errors is ``{"detail": "..."}``: the extra keys some libraries add
    (simplejwt's ``code`` and ``messages`` for a bad token) are dropped, so there is one shape.
    """
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound()  # never leak "No Movie matches the given query."
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, (OperationalError, InterfaceError)):
        exc = ServiceUnavailable()  # the database is unreachable: a clean, retryable answer
    response = exception_handler(exc, context)
    if (
        response is not None
        and not isinstance(exc, exceptions.ValidationError)
        and isinstance(response.data, dict)
        and "detail" in response.data
    ):
        response.data = {"detail": response.data["detail"]}
    return response


def _json_under_api(
    status: int, detail: str, django_view: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    """A Django error handler that answers JSON under /api/ and HTML elsewhere (the admin)."""

    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=status)
        return django_view(request, exception)

    return handler


json_bad_request = _json_under_api(400, "Bad request.", defaults.bad_request)
json_permission_denied = _json_under_api(
    403, "You do not have permission to perform this action.", defaults.permission_denied
)
json_not_found = _json_under_api(404, "Not found.", defaults.page_not_found)


def json_server_error(request: HttpRequest) -> HttpResponse:
    """The 500: JSON under /api/ with the request's id (what to quote to find its log lines and
    its error report), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"detail": "A server error occurred.", "request_id": request_ids.current()}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def json_csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: JSON under /api/, Django's page elsewhere (the admin)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)
    return csrf.csrf_failure(request, reason)
