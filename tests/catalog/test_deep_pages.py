"""Deep pages of the movie list through a deferred join: the page's ids first (an index-only
scan on PostgreSQL), then only their rows, with the same contents, links and errors as a plain
OFFSET."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.api.pagination import DeferredJoinPaginator
from tests.catalog.factories import GenreFactory, MovieFactory

URL = reverse("catalog:movie-list")
INVALID_PAGE = {"detail": "Invalid page."}
PAGE_SIZE = 7

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> int:
    """44 movies with equal sort keys, NULLs and two genres; returns how many."""
    action, comedy = GenreFactory(id=28, name="Action"), GenreFactory(id=35, name="Comedy")
    MovieFactory.create_batch(12, popularity=5.0, vote_average=7.0, title="Same", genres=[action])
    MovieFactory.create_batch(24, genres=[comedy])
    MovieFactory.create_batch(
        8, popularity=None, vote_average=None, release_date=None, genres=[action, comedy]
    )
    return 44


@pytest.fixture
def always_deferred(monkeypatch) -> None:
    """Every page through the deferred join, so a small catalog exercises it."""
    monkeypatch.setattr(DeferredJoinPaginator, "min_offset", 0)


def every_page(api_client, params: dict) -> list[dict]:
    pages, page = [], 1
    while True:
        body = api_client.get(URL, {**params, "page": page, "page_size": PAGE_SIZE}).json()
        pages.append(body)
        if body["next"] is None:
            return pages
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "popularity"},
        {"ordering": "title"},
        {"ordering": "-title"},
        {"ordering": "release_date"},
        {"ordering": "-vote_average"},
        {"genre": "28", "ordering": "-release_date"},
        {"genre": "Comedy,28", "min_vote_average": "3"},
        {"search": "same", "ordering": "vote_average"},
    ],
)
def test_deferred_join_pages_equal_offset_pages(api_client, monkeypatch, catalog, params):
    monkeypatch.setattr(DeferredJoinPaginator, "min_offset", 10**9)
    offset_pages = every_page(api_client, params)
    cache.clear()
    monkeypatch.setattr(DeferredJoinPaginator, "min_offset", 0)

    assert every_page(api_client, params) == offset_pages
    assert sum(len(page["results"]) for page in offset_pages) == offset_pages[0]["count"]


def test_deferred_join_page_is_one_query_with_an_id_subquery(
    api_client, catalog, always_deferred, django_assert_num_queries
):
    with django_assert_num_queries(2) as queries:  # count + page
        response = api_client.get(URL, {"page": 2, "page_size": PAGE_SIZE, "genre": "28"})

    page_sql = queries.captured_queries[1]["sql"]
    assert "IN (SELECT" in page_sql.upper()
    assert page_sql.upper().count("OFFSET") == 1  # in the subquery only
    assert len(response.json()["results"]) == PAGE_SIZE


def test_deferred_join_applies_from_min_offset(api_client, django_assert_num_queries):
    MovieFactory.create_batch(DeferredJoinPaginator.min_offset + 1)
    size = DeferredJoinPaginator.min_offset // 2
    api_client.get(URL, {"page_size": size})  # caches the count

    with django_assert_num_queries(1) as shallow:
        api_client.get(URL, {"page": 2, "page_size": size})
    with django_assert_num_queries(1) as deep:
        last = api_client.get(URL, {"page": 3, "page_size": size}).json()

    assert "IN (SELECT" not in shallow.captured_queries[0]["sql"].upper()
    assert "IN (SELECT" in deep.captured_queries[0]["sql"].upper()
    assert len(last["results"]) == 1


def test_deferred_join_keeps_count_links_and_invalid_page(api_client, catalog, always_deferred):
    last = api_client.get(URL, {"page": 7, "page_size": PAGE_SIZE, "ordering": "title"}).json()
    past_end = api_client.get(URL, {"page": 8, "page_size": PAGE_SIZE})

    assert last["count"] == catalog
    assert len(last["results"]) == catalog - 6 * PAGE_SIZE
    assert last["next"] is None
    assert last["previous"].endswith("/api/movies/?ordering=title&page=6&page_size=7")
    assert past_end.status_code == 400
    assert past_end.json() == INVALID_PAGE


def test_deferred_join_empty_catalog_needs_only_the_count(
    api_client, always_deferred, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
