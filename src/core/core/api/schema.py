"""OpenAPI responses every app's endpoints share: the ``{"detail": ...}`` errors."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse


def detail_response(description: str, **examples: str) -> OpenApiResponse:
    """An error answered ``{"detail": "<message>"}``, with one example per named message."""
    return OpenApiResponse(
        description=description,
        examples=[
            OpenApiExample(name, value={"detail": message}) for name, message in examples.items()
        ],
    )


INVALID_PAGE = "Invalid page."
NOT_FOUND = "Not found."
NOT_AUTHENTICATED = "Authentication credentials were not provided."
