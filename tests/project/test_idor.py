"""No endpoint lets one user read or change another user's data, caches included."""

import pytest
from django.urls import reverse

from favorites.models import FavoriteMovie
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

FAVORITES = reverse("favorites:favorite-movie-list")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_and_bob():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    secret = FavoriteMovieFactory(user=alice, movie=MovieFactory(title="Alice's secret"))
    return alice, bob, secret


def test_favorite_object_urls_are_per_user(alice_and_bob):
    alice, bob, secret = alice_and_bob
    as_bob = client_for(bob)
    url = reverse("favorites:favorite-movie-detail", args=[secret.id])

    for method in ("get", "put", "patch", "delete"):
        response = getattr(as_bob, method)(url, {"movie_id": 1}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
    assert FavoriteMovie.objects.filter(pk=secret.pk, user=alice).exists()


def test_cached_lists_are_never_shared(alice_and_bob):
    alice, bob, secret = alice_and_bob
    alice_page = client_for(alice).get(FAVORITES).json()  # now cached for alice
    bob_page = client_for(bob).get(FAVORITES).json()

    assert [f["id"] for f in alice_page["results"]] == [secret.id]
    assert bob_page["count"] == 0


def test_me_and_token_show_only_ones_own_favorites(alice_and_bob):
    alice, bob, secret = alice_and_bob

    assert client_for(bob).get(reverse("accounts:me")).json()["favorite_movies"] == []
    assert client_for(alice).get(reverse("accounts:me")).json()["favorite_movies"] == [
        secret.movie_id
    ]


def test_recommendations_never_reveal_another_users_favorites_as_reasons(alice_and_bob):
    alice, bob, _ = alice_and_bob
    shared = MovieFactory(title="Shared taste")
    FavoriteMovieFactory(user=alice, movie=shared)
    FavoriteMovieFactory(user=bob, movie=MovieFactory(title="Bob's pick"))
    neighbour_table_build()

    results = client_for(bob).get(reverse("recommendations:recommendation-list")).json()["results"]

    reasons = {item["reason"] for item in results}
    assert not any("Alice's secret" in reason for reason in reasons)
    assert all(r.startswith(("Because you liked Bob's pick", "Popular")) for r in reasons), reasons


def test_objects_cannot_be_created_for_someone_else(alice_and_bob):
    alice, bob, _ = alice_and_bob
    movie = MovieFactory()

    response = client_for(bob).post(
        FAVORITES, {"movie_id": movie.id, "user": alice.id, "user_id": alice.id}, format="json"
    )

    assert response.status_code == 201
    assert FavoriteMovie.objects.get(movie=movie).user == bob
