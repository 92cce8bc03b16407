"""OpenAPI examples and shared responses of the favorites endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import NOT_AUTHENTICATED, NOT_FOUND, detail_response, invalid_list_query

FAVORITE_EXAMPLE = {
    "id": 7,
    "movie": {
        "id": 1,
        "title": "Toy Story",
        "release_date": "1995-10-30",
        "description": "Led by Woody, Andy's toys live happily in his room until...",
        "poster_path": "https://image.tmdb.org/t/p/w500/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
    },
    "added_at": "2026-11-25T10:30:00Z",
}

UNAUTHENTICATED = detail_response("Missing or invalid token.", **{"No token": NOT_AUTHENTICATED})
FAVORITE_NOT_FOUND = detail_response("No such favorite of yours.", **{"Not found": NOT_FOUND})
INVALID_PAGE_RESPONSE = invalid_list_query("Invalid page or page size.")
INVALID_ADD = OpenApiResponse(
    description="Movie already in favorites, or invalid movie id.",
    examples=[
        OpenApiExample(
            "Already there",
            value={"non_field_errors": ["This movie is already in your favorites."]},
        ),
        OpenApiExample(
            "Unknown movie",
            value={"movie_id": ['Invalid pk "999999" - object does not exist.']},
        ),
    ],
)
THROTTLED = OpenApiResponse(description="Too many writes; see Retry-After.")

# A list's example is one item: drf-spectacular shows it in a page of its own.
FAVORITE_PAGE = OpenApiExample(
    "A page", value=FAVORITE_EXAMPLE, response_only=True, status_codes=["200"]
)
ADD_REQUEST = OpenApiExample("Add", value={"movie_id": 1}, request_only=True)
ADDED = OpenApiExample("Added", value=FAVORITE_EXAMPLE, response_only=True, status_codes=["201"])
