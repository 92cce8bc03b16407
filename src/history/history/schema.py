"""OpenAPI examples and responses of the history endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from catalog.items import LIST_ITEM_EXAMPLE
from core.api.schema import NOT_FOUND, detail_response
from history.services import FUTURE_DAY, TOO_MANY

PLAY_EXAMPLE = {
    "id": 12,
    "movie": LIST_ITEM_EXAMPLE,
    "watched_on": "2026-11-21",
    "rewatch": True,
    "note": "Better on the big screen.",
    "source": None,
    "created_at": "2026-11-25T10:30:00Z",
}

INVALID_PLAY = OpenApiResponse(
    description="An unknown movie, a day in the future or before 1900, a note too long, or "
    "the history full; nothing is stored.",
    examples=[
        OpenApiExample(
            "Unknown movie", value={"movie_id": ['Invalid pk "999999" - object does not exist.']}
        ),
        OpenApiExample("In the future", value={"watched_on": [FUTURE_DAY]}),
        OpenApiExample(
            "Note too long", value={"note": ["Ensure this field has no more than 1000 characters."]}
        ),
        OpenApiExample("Full", value={"non_field_errors": [TOO_MANY.format(limit=50000)]}),
    ],
)
PLAY_NOT_FOUND = detail_response("No such play of yours.", **{"Not found": NOT_FOUND})

ADD_REQUEST = OpenApiExample(
    "Add",
    value={key: PLAY_EXAMPLE[key] for key in ("watched_on", "rewatch", "note")} | {"movie_id": 1},
    request_only=True,
)
ADDED = OpenApiExample("Added", value=PLAY_EXAMPLE, response_only=True, status_codes=["201"])

LETTERBOXD_EXAMPLE = OpenApiExample(
    "Two plays and a rating",
    value=(
        "tmdbID,Title,Year,WatchedDate,Rating10,Rewatch\r\n"
        "862,Toy Story,1995,2026-11-21,9,false\r\n"
        "862,Toy Story,1995,2026-11-28,9,true\r\n"
        "603,The Matrix,1999,,8,false\r\n"
    ),
    response_only=True,
)
