"""OpenAPI examples and shared responses of the catalog's endpoints."""

from drf_spectacular.utils import OpenApiExample

from catalog.items import LIST_ITEM_EXAMPLE
from core.api.schema import NOT_FOUND, detail_response, invalid_list_query

MOVIE_ITEM_EXAMPLE = LIST_ITEM_EXAMPLE
MOVIE_DETAIL_EXAMPLE = {
    **MOVIE_ITEM_EXAMPLE,
    "genres": [{"id": 16, "name": "Animation"}, {"id": 35, "name": "Comedy"}],
    "runtime": 81,
    "vote_average": 7.97,
    "vote_count": 18000,
    "overview": MOVIE_ITEM_EXAMPLE["description"],
    "backdrop_path": "https://image.tmdb.org/t/p/w1280/3Rfvhy1Nl6sSGJwyjb0QiZzZYlB.jpg",
    "tmdb_id": 862,
    "release_year": 1995,
}

INVALID_LIST_QUERY = invalid_list_query(
    "Invalid page, page size or filter value.",
    **{"Invalid filter": {"year": ["Enter a whole number."]}},
)
MOVIE_NOT_FOUND = detail_response("Movie does not exist.", **{"Not found": NOT_FOUND})

# A list's example is one item: drf-spectacular shows it in a page (or a list) of its own.
MOVIE_PAGE = OpenApiExample(
    "A page", value=MOVIE_ITEM_EXAMPLE, response_only=True, status_codes=["200"]
)


def movie_detail(extras: dict) -> OpenApiExample:
    """The detail's example, with the example values of the extras (``DETAIL_EXTRAS``)."""
    return OpenApiExample(
        "A movie",
        value={**MOVIE_DETAIL_EXAMPLE, **extras},
        response_only=True,
        status_codes=["200"],
    )


GENRES = OpenApiExample("Genres", value={"id": 28, "name": "Action"}, response_only=True)
