"""The site's ratings on the movie detail (CATALOG['DETAIL_EXTRAS']): a rating write invalidates
that movie's cached detail alone, never the catalog's other pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import cache as catalog_cache
from core import versioned_cache
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.ratings.factories import RatingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def detail(movie_id) -> str:
    return reverse("catalog:movie-detail", args=[movie_id])


def rate(user, movie_id, value):
    url = reverse("ratings:movie-rating", args=[movie_id])
    return client_for(user).put(url, {"value": value}, format="json")


def cached_detail(movie_id):
    key = catalog_cache.movie_detail_key(movie_id)
    namespaces = [catalog_cache.CATALOG, catalog_cache.movie_namespace(movie_id)]
    return versioned_cache.read(namespaces, [key]).entry(key)


def test_detail_shows_the_average_and_count_of_the_sites_ratings(api_client):
    movie = MovieFactory()
    for value in ("8", "9", "5.5"):
        RatingFactory(movie=movie, value=Decimal(value))
    unrated = MovieFactory()

    body = api_client.get(detail(movie.id)).json()

    assert (body["rating_average"], body["rating_count"]) == (7.5, 3)
    assert api_client.get(detail(unrated.id)).json()["rating_count"] == 0
    assert api_client.get(detail(unrated.id)).json()["rating_average"] is None


def test_a_rating_write_invalidates_that_movies_detail_only(api_client, user):
    rated, other = MovieFactory(), MovieFactory()
    api_client.get(detail(rated.id))
    api_client.get(detail(other.id))
    api_client.get(reverse("catalog:movie-list"))
    catalog_version = versioned_cache.read([catalog_cache.CATALOG]).stamp

    assert rate(user, rated.id, 9).status_code == 201

    assert versioned_cache.read([catalog_cache.CATALOG]).stamp == catalog_version  # lists kept
    assert cached_detail(other.id) is not None  # another movie's detail kept
    assert cached_detail(rated.id) is None
    assert api_client.get(detail(rated.id)).json()["rating_average"] == 9.0


@pytest.mark.parametrize("change", ["replace", "delete"])
def test_replacing_or_removing_a_rating_updates_the_detail(api_client, user, change):
    movie = MovieFactory()
    rate(UserFactory(), movie.id, 4)
    rate(user, movie.id, 10)
    assert api_client.get(detail(movie.id)).json()["rating_average"] == 7.0  # now cached

    if change == "replace":
        rate(user, movie.id, 6)
        expected = (5.0, 2)
    else:
        client_for(user).delete(reverse("ratings:movie-rating", args=[movie.id]))
        expected = (4.0, 1)

    body = api_client.get(detail(movie.id)).json()
    assert (body["rating_average"], body["rating_count"]) == expected


def test_the_detail_schema_documents_the_extras(api_client):
    schema = api_client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    detail_schema = schema.json()["components"]["schemas"]["MovieDetail"]

    assert {"rating_average", "rating_count"} <= set(detail_schema["properties"])


def test_without_the_extra_the_detail_has_no_ratings(api_client, settings):
    settings.CATALOG = {"DETAIL_EXTRAS": []}
    movie = MovieFactory()
    RatingFactory(movie=movie)

    assert "rating_average" not in api_client.get(detail(movie.id)).json()
