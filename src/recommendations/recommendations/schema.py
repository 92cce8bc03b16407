"""OpenAPI examples and shared responses of the recommendations endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import (
    NOT_FOUND,
    FieldErrorsSerializer,
    detail_response,
    invalid_list_query,
)

ITEM = {
    "id": 2,
    "title": "Heat",
    "release_date": "1995-12-15",
    "description": "Obsessive master thief Neil McCauley leads a top-notch crew...",
    "poster_path": "https://image.tmdb.org/t/p/w500/umSVjVdbVwtx5ryCA2QXL44Durm.jpg",
    "score": 0.8123,
    "reason": "Because you liked The Godfather",
}

INVALID_PAGE_RESPONSE = invalid_list_query("Invalid page or page size.")
MOVIE_NOT_FOUND = detail_response("Movie does not exist.", **{"Not found": NOT_FOUND})


def page_example(name: str, item: dict) -> OpenApiExample:
    """A page of one item: drf-spectacular wraps the item in a page."""
    return OpenApiExample(name, value=item, response_only=True, status_codes=["200"])


PERSONAL = page_example("Personal", ITEM)
COLD_START = page_example("Cold start", {**ITEM, "score": 0.99, "reason": "Popular on TMDB"})
SIMILAR = page_example("Similar", {**ITEM, "reason": "Similar to The Godfather"})

HIDDEN_ROW = {
    "movie": {k: ITEM[k] for k in ("id", "title", "release_date", "description", "poster_path")},
    "hidden_at": "2026-11-25T10:30:00Z",
}
HIDE_DONE = OpenApiResponse(description="Hidden (or already hidden); no body.")
RESTORE_DONE = OpenApiResponse(description="Shown again; no body.")
NOT_HIDDEN = detail_response("You have not hidden this movie.", **{"Not found": NOT_FOUND})
TOO_MANY_HIDDEN = OpenApiResponse(
    FieldErrorsSerializer,
    description="You hide RECOMMENDATIONS['MAX_HIDDEN_PER_USER'] movies already.",
    examples=[
        OpenApiExample(
            "Too many", value={"non_field_errors": ["You cannot hide more than 10000 movies."]}
        )
    ],
)
