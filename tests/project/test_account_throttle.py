"""Signed-in clients' reads the cache does not answer are counted per account (the ``user``
rate): one free account cannot send unlimited uncached searches, deep pages, details, similar
movies or recommendations. Cached reads cost no count; other accounts keep their allowance."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MOVIES = reverse("catalog:movie-list")
RECOMMENDATIONS = reverse("recommendations:recommendation-list")


@pytest.fixture(autouse=True)
def user_rate(throttle_rates):
    throttle_rates(user="3/min")


def test_one_account_past_the_rate_is_429_on_every_uncached_read(user):
    movies = MovieFactory.create_batch(2)
    client = client_for(user)

    statuses = [client.get(MOVIES, {"search": f"word{i}"}).status_code for i in range(3)]
    refused = {
        "search": client.get(MOVIES, {"search": "word3"}),
        "detail": client.get(reverse("catalog:movie-detail", args=[movies[0].id])),
        "similar": client.get(reverse("recommendations:similar-movie-list", args=[movies[1].id])),
        "recommendations": client.get(RECOMMENDATIONS),
    }

    assert statuses == [200, 200, 200]
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 429)
    for response in refused.values():
        assert response.json()["detail"].startswith("Request was throttled")
        assert 0 < int(response["Retry-After"]) <= 60


def test_an_uncached_recommendation_page_counts(user):
    MovieFactory.create_batch(3)
    client = client_for(user)

    statuses = [client.get(RECOMMENDATIONS, {"page_size": size}).status_code for size in (1, 2, 3)]
    past = client.get(RECOMMENDATIONS, {"page_size": 4})

    assert statuses == [200, 200, 200]
    assert past.status_code == 429


def test_cached_reads_of_an_account_are_not_counted(user):
    MovieFactory()
    client = client_for(user)

    movies = [client.get(MOVIES).status_code for _ in range(10)]  # one miss, nine hits
    picks = [client.get(RECOMMENDATIONS).status_code for _ in range(10)]  # one miss

    assert movies == [200] * 10
    assert picks == [200] * 10


def test_each_account_and_anonymous_clients_have_their_own_allowance(user, api_client):
    client = client_for(user)
    for i in range(3):
        client.get(MOVIES, {"search": f"word{i}"})

    other = client_for(UserFactory()).get(MOVIES, {"search": "other"})
    anonymous = api_client.get(MOVIES, {"search": "anonymous"})
    mine = client.get(MOVIES, {"search": "mine"})

    assert (other.status_code, anonymous.status_code, mine.status_code) == (200, 200, 429)


def test_the_account_is_counted_whatever_its_address(user):
    client = client_for(user)
    addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]

    statuses = [
        client.get(MOVIES, {"search": f"w{i}"}, REMOTE_ADDR=address).status_code
        for i, address in enumerate(addresses)
    ]

    assert statuses == [200, 200, 200, 429]
