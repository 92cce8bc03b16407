"""OpenAPI examples and responses of the ratings endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from catalog.items import LIST_ITEM_EXAMPLE
from core.api.schema import NOT_FOUND, detail_response
from ratings.services import INVALID_VALUE

RATING_EXAMPLE = {
    "id": 3,
    "movie": LIST_ITEM_EXAMPLE,
    "value": 8.5,
    "rated_at": "2026-11-25T10:30:00Z",
}

MOVIE_NOT_FOUND = detail_response("No such movie.", **{"Not found": NOT_FOUND})
RATING_NOT_FOUND = detail_response(
    "No such movie, or you have not rated it: a DELETE of no rating is a 404, not idempotent.",
    **{"Not found": NOT_FOUND},
)
INVALID_VALUE_RESPONSE = OpenApiResponse(
    description="The value is not a number from 0.5 to 10 in steps of 0.5; nothing is stored.",
    examples=[OpenApiExample("Out of range", value={"value": [INVALID_VALUE]})],
)

SET_REQUEST = OpenApiExample("Rate", value={"value": 8.5}, request_only=True)
SET = OpenApiExample("Rated", value=RATING_EXAMPLE, response_only=True, status_codes=["200", "201"])
