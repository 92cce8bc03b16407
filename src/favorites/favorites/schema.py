"""OpenAPI examples and shared responses of the favorites endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

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

UNAUTHENTICATED = OpenApiResponse(
    description="Missing or invalid token.",
    examples=[
        OpenApiExample(
            "No token", value={"detail": "Authentication credentials were not provided."}
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    description="No such favorite of yours.",
    examples=[OpenApiExample("Not found", value={"detail": "Not found."})],
)
INVALID_PAGE = OpenApiResponse(
    description="Invalid page.",
    examples=[OpenApiExample("Invalid page", value={"detail": "Invalid page."})],
)
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

FAVORITE_PAGE = OpenApiExample(
    "A page",
    value={"count": 1, "next": None, "previous": None, "results": [FAVORITE_EXAMPLE]},
    response_only=True,
    status_codes=["200"],
)
ADD_REQUEST = OpenApiExample("Add", value={"movie_id": 1}, request_only=True)
ADDED = OpenApiExample("Added", value=FAVORITE_EXAMPLE, response_only=True, status_codes=["201"])
