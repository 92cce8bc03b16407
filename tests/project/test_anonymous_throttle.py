"""Anonymous reads the cache does not answer are counted per address (the ``anon`` rate):
uncached deep or search pages cannot exhaust the workers, cached ones and users are not held."""

import pytest
from django.urls import reverse

from tests.catalog.factories import MovieFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MOVIES = reverse("catalog:movie-list")


@pytest.fixture(autouse=True)
def anon_rate(throttle_rates):
    throttle_rates(anon="3/min")


def test_uncached_anonymous_reads_past_the_rate_are_429(api_client):
    movies = MovieFactory.create_batch(2)

    statuses = [api_client.get(MOVIES, {"search": f"word{i}"}).status_code for i in range(3)]
    detail = api_client.get(reverse("catalog:movie-detail", args=[movies[0].id]))
    similar = api_client.get(reverse("recommendations:similar-movie-list", args=[movies[1].id]))

    assert statuses == [200, 200, 200]
    assert (detail.status_code, similar.status_code) == (429, 429)
    assert detail.json()["detail"].startswith("Request was throttled")
    assert "Retry-After" in detail


def test_cached_anonymous_reads_are_not_counted(api_client):
    MovieFactory()

    statuses = [api_client.get(MOVIES).status_code for _ in range(10)]  # one miss, nine hits

    assert statuses == [200] * 10


def test_another_address_and_authenticated_users_have_their_own_allowance(api_client, user):
    for i in range(3):
        api_client.get(MOVIES, {"search": f"word{i}"})

    elsewhere = api_client.get(MOVIES, {"search": "other"}, REMOTE_ADDR="10.1.1.1")
    signed_in = [client_for(user).get(MOVIES, {"search": f"mine{i}"}) for i in range(5)]

    assert elsewhere.status_code == 200
    assert [r.status_code for r in signed_in] == [200] * 5
