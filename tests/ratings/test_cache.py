"""The per-user ratings list cache: one round trip when cached, invalidated on every change."""

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from core import versioned_cache
from ratings.cache import RATING_LISTS
from ratings.models import Rating
from tests.catalog.factories import MovieFactory, tmdb_summary
from tests.conftest import client_for
from tests.favorites.helpers import client_skipping_authentication, record_cache_calls
from tests.ratings.factories import RatingFactory

LIST = reverse("ratings:rating-list")

pytestmark = pytest.mark.django_db(transaction=True)


def values(client) -> list[float]:
    return [r["value"] for r in client.get(LIST).json()["results"]]


def test_a_cached_page_is_one_round_trip(user, monkeypatch, django_assert_num_queries):
    client = client_skipping_authentication(user)
    RatingFactory(user=user)
    first = client.get(LIST).json()
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        assert client.get(LIST).json() == first

    assert calls == ["get_many"]
    assert RATING_LISTS.page_key(user_id=user.id, page=2) == f"ratings_{user.id}_page_2"


def test_put_delete_and_other_paths_invalidate_the_list(user):
    client = client_for(user)
    movie = MovieFactory()
    url = reverse("ratings:movie-rating", args=[movie.id])
    assert values(client) == []

    client.put(url, {"value": 4}, format="json")
    assert values(client) == [4.0]
    client.put(url, {"value": 9.5}, format="json")
    assert values(client) == [9.5]
    Rating.objects.filter(user=user).delete()  # not through the API
    assert values(client) == []


def test_a_catalog_sync_of_a_rated_movie_invalidates_its_raters_lists(user):
    RatingFactory(user=user, movie=MovieFactory(tmdb_id=603, title="Old"))
    client = client_for(user)
    client.get(LIST)

    catalog_services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert client.get(LIST).json()["results"][0]["movie"]["title"] == "The Matrix"
