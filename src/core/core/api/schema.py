"""The OpenAPI description every app shares: the error bodies, as components, declared on
every operation for every status it can answer (``AutoSchema``, the project's schema class).

Two shapes, as ``core.api.exceptions`` answers them: ``ErrorDetail``, ``{"detail": "..."}``,
and ``FieldErrors``, ``{"<field>": ["..."], "non_field_errors": ["..."]}``.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

INVALID_PAGE = "Invalid page."
NOT_FOUND = "Not found."
NOT_AUTHENTICATED = "Authentication credentials were not provided."


class ErrorDetailSerializer(serializers.Serializer[Any]):
    """An error: 401, 403, 404, 405, 406, 413, 415, 429, 503, and 400s that concern no field."""

    detail = serializers.CharField(help_text="What went wrong, for people.")

    class Meta:
        ref_name = "ErrorDetail"


class FieldErrorsSerializer(serializers.Serializer[Any]):
    """A 400 for invalid input: the messages of each invalid field, and of the whole body under
    ``non_field_errors``."""

    class Meta:
        ref_name = "FieldErrors"


class _FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        # The ignore: build_basic_type answers None for OpenApiTypes.NONE only.
        messages = build_array_type(build_basic_type(OpenApiTypes.STR))  # type: ignore[arg-type]
        return build_object_type(
            properties={"non_field_errors": messages},
            additionalProperties=messages,
            description=FieldErrorsSerializer.__doc__,
        )


DETAIL_OR_FIELD_ERRORS = PolymorphicProxySerializer(
    component_name="ErrorDetailOrFieldErrors",
    serializers=[ErrorDetailSerializer, FieldErrorsSerializer],
    resource_type_field_name=None,
)


def invalid_list_query(description: str, **examples: Any) -> OpenApiResponse:
    """A list's 400: ``{"detail": "Invalid page."}``, or field errors for an invalid page size
    (and filter value); ``examples`` adds named example bodies."""
    invalid = {"Invalid page": {"detail": INVALID_PAGE}, **examples}
    return OpenApiResponse(
        DETAIL_OR_FIELD_ERRORS,
        description=description,
        examples=[OpenApiExample(name, value=value) for name, value in invalid.items()],
    )


def detail_response(description: str, **examples: str) -> OpenApiResponse:
    """An error answered ``{"detail": "<message>"}``, with one example per named message."""
    return OpenApiResponse(
        ErrorDetailSerializer,
        description=description,
        examples=[
            OpenApiExample(name, value={"detail": message}) for name, message in examples.items()
        ],
    )


# The responses every app's operations share.
UNAUTHENTICATED = detail_response("Missing or invalid token.", **{"No token": NOT_AUTHENTICATED})
THROTTLED = detail_response(
    "Rate limit exceeded (see Retry-After).",
    Throttled="Request was throttled. Expected available in 60 seconds.",
)


_DESCRIPTIONS = {
    400: "Invalid input.",
    401: "Missing, invalid or expired credentials.",
    403: "Not allowed (in cookie mode: a missing or wrong CSRF token).",
    404: "No such resource.",
    406: "The Accept header asks for something other than JSON.",
    413: "Request body too large (over 1 MiB): answered by the proxy in front.",
    415: "Unsupported media type: send JSON.",
    429: "Too many requests: see the Retry-After header.",
    503: "Service temporarily unavailable (the database): try again later.",
}
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors each operation can answer: a declared status
    without a body type gets its error type (keeping its description and examples), and the
    undeclared ones are added."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        declared: Any = self.get_response_serializers()  # a dict too (responses={...})
        declared = (
            {str(code): r for code, r in declared.items()} if isinstance(declared, dict) else {}
        )
        for status, error in self._errors().items():
            code = str(status)
            response = declared.get(code)
            if code not in bodies:
                response = OpenApiResponse(error, description=_DESCRIPTIONS[status])
            elif not (isinstance(response, OpenApiResponse) and response.response is None):
                continue  # declared with a body of its own
            else:
                response = OpenApiResponse(
                    error, description=response.description, examples=response.examples
                )
            bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(bodies.items()))

    def _delete_with_body(self) -> bool:
        """A DELETE whose view says it reads a body (``delete_request_body = True``, e.g. a
        password confirming an account's deletion), declared with ``extend_schema(request=)``."""
        return self.method == "DELETE" and getattr(self.view, "delete_request_body", False)

    def _get_request_body(self, direction: Any = "request") -> Any:
        if not self._delete_with_body():
            return super()._get_request_body(direction)  # type: ignore[no-untyped-call]  # untyped
        # drf-spectacular documents the bodies of PUT, PATCH and POST only.
        self.method = "POST"
        try:
            return super()._get_request_body(direction)  # type: ignore[no-untyped-call]  # untyped
        finally:
            self.method = "DELETE"

    def _errors(self) -> dict[int, Any]:
        errors: dict[int, Any] = {406: ErrorDetailSerializer, 503: ErrorDetailSerializer}
        with_body = self.method in ("POST", "PUT", "PATCH") or self._delete_with_body()
        if with_body and self.get_request_serializer() is not None:
            errors[400] = DETAIL_OR_FIELD_ERRORS  # invalid fields, or a body that is not JSON
            errors[413] = ErrorDetailSerializer
            errors[415] = ErrorDetailSerializer
        elif self.method == "GET" and (self._get_paginator() or self.get_filter_backends()):
            errors[400] = DETAIL_OR_FIELD_ERRORS  # an invalid page, or an invalid filter value
        if "{" in self.path:
            errors[404] = ErrorDetailSerializer
        if self.view.get_authenticators():
            errors[401] = ErrorDetailSerializer
            if self.method in _UNSAFE:
                errors[403] = ErrorDetailSerializer
        if self._throttled():
            errors[429] = ErrorDetailSerializer
        return errors

    def _throttled(self) -> bool:
        if self.method == "GET" and getattr(self.view, "uncached_throttle_classes", None):
            return True  # core.api.throttling.UncachedReadThrottles
        scope = getattr(self.view, "throttle_scope", None)
        return bool(scope) and bool(self.view.get_throttles())
