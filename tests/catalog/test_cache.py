"""Cached list/detail responses, and their invalidation when the catalog changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from tests.catalog.factories import GenreFactory, MovieFactory, tmdb_summary

LIST = reverse("catalog:movie-list")

pytestmark = pytest.mark.django_db(transaction=True)


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_repeated_list_request_is_served_from_cache(api_client):
    MovieFactory.create_batch(3)
    first = api_client.get(LIST, {"page_size": 2})

    assert count_queries(lambda: api_client.get(LIST, {"page_size": 2})) == 0
    assert api_client.get(LIST, {"page_size": 2}).json() == first.json()


def test_cache_key_covers_every_query_parameter(api_client):
    MovieFactory(title="Alpha", popularity=1)
    MovieFactory(title="Beta", popularity=2)

    by_title = api_client.get(LIST, {"ordering": "title"}).json()["results"]
    by_default = api_client.get(LIST).json()["results"]

    assert [m["title"] for m in by_title] == ["Alpha", "Beta"]
    assert [m["title"] for m in by_default] == ["Beta", "Alpha"]


def test_sync_invalidates_cached_list_and_detail(api_client):
    movie = MovieFactory(tmdb_id=603, title="Old title")
    detail = reverse("catalog:movie-detail", args=[movie.id])
    api_client.get(LIST)
    api_client.get(detail)

    services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert api_client.get(LIST).json()["results"][0]["title"] == "The Matrix"
    assert api_client.get(detail).json()["title"] == "The Matrix"


def test_admin_style_save_and_delete_invalidate(api_client):
    movie = MovieFactory(title="Before")
    api_client.get(LIST)

    movie.title = "After"
    movie.save()
    assert api_client.get(LIST).json()["results"][0]["title"] == "After"

    movie.delete()
    assert api_client.get(LIST).json()["count"] == 0


def test_genre_change_invalidates_detail(api_client):
    movie = MovieFactory()
    detail = reverse("catalog:movie-detail", args=[movie.id])
    api_client.get(detail)

    movie.genres.add(GenreFactory(name="Noir"))

    assert api_client.get(detail).json()["genres"][0]["name"] == "Noir"
