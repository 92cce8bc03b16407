"""No new per-user URL or cache (watchlist, ratings, history, hidden movies, account states) lets
one user read or change another's data."""

from decimal import Decimal

import pytest
from django.urls import reverse

from history.models import Play
from ratings.models import Rating
from recommendations.models import HiddenMovie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.history.factories import PlayFactory
from tests.ratings.factories import RatingFactory
from tests.watchlist.factories import WatchlistItemFactory
from watchlist.models import WatchlistItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_and_bob():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    secret = MovieFactory(title="Alice's secret")
    kept = {
        "watchlist": WatchlistItemFactory(user=alice, movie=secret),
        "rating": RatingFactory(user=alice, movie=secret, value=Decimal("9.5")),
        "hidden": HiddenMovie.objects.create(user=alice, movie=secret),
        "favorite": FavoriteMovieFactory(user=alice, movie=secret),
        "play": PlayFactory(user=alice, movie=secret, note="Alice's note"),
    }
    return alice, bob, secret, kept


def test_watchlist_item_urls_are_per_user(alice_and_bob):
    alice, bob, _, kept = alice_and_bob
    url = reverse("watchlist:watchlist-item-detail", args=[kept["watchlist"].id])

    for method in ("get", "put", "patch", "delete"):
        response = getattr(client_for(bob), method)(url, {"movie_id": 1}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
    assert WatchlistItem.objects.filter(pk=kept["watchlist"].pk, user=alice).exists()


def test_a_rating_url_changes_only_the_callers_own_rating(alice_and_bob):
    alice, bob, secret, kept = alice_and_bob
    url = reverse("ratings:movie-rating", args=[secret.id])
    as_bob = client_for(bob)

    assert as_bob.delete(url).status_code == 404  # Bob has none; Alice's stays
    assert as_bob.put(url, {"value": 1, "user": alice.id}, format="json").status_code == 201

    assert Rating.objects.get(pk=kept["rating"].pk).value == Decimal("9.5")
    assert Rating.objects.get(user=bob).value == Decimal("1")


def test_play_urls_are_per_user(alice_and_bob):
    alice, bob, _, kept = alice_and_bob
    url = reverse("history:play-detail", args=[kept["play"].id])

    for method in ("get", "put", "patch", "delete"):
        response = getattr(client_for(bob), method)(url, {"movie_id": 1}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
    assert Play.objects.filter(pk=kept["play"].pk, user=alice).exists()
    assert "Alice" not in client_for(bob).get(reverse("history:letterboxd-export")).text


def test_restoring_someone_elses_hidden_movie_is_404(alice_and_bob):
    _, bob, secret, kept = alice_and_bob
    url = reverse("recommendations:hidden-movie-detail", args=[secret.id])

    assert client_for(bob).delete(url).status_code == 404
    assert HiddenMovie.objects.filter(pk=kept["hidden"].pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "watchlist:watchlist-item-list",
        "ratings:rating-list",
        "history:play-list",
        "recommendations:hidden-movie-list",
    ],
)
def test_cached_lists_are_never_shared(alice_and_bob, name):
    alice, bob, _, _ = alice_and_bob
    url = reverse(name)
    alices = client_for(alice).get(url).json()  # now cached for Alice

    bobs = client_for(bob).get(url).json()

    assert alices["count"] == 1 and alices["results"][0]["movie"]["title"] == "Alice's secret"
    assert bobs["count"] == 0


def test_account_states_answer_for_the_caller_only(alice_and_bob):
    alice, bob, secret, kept = alice_and_bob
    url = reverse("accounts:account-states")

    bobs = client_for(bob).get(url, {"movie": str(secret.id)}).json()["results"]
    alices = client_for(alice).get(url, {"movie": str(secret.id)}).json()["results"]

    nothing = {
        "favorite": None,
        "watchlist": None,
        "rating": None,
        "watched": None,
        "hidden": False,
    }
    assert bobs == [{"id": secret.id, **nothing}]
    assert alices == [
        {
            "id": secret.id,
            "favorite": {"id": kept["favorite"].id},
            "watchlist": {"id": kept["watchlist"].id},
            "rating": 9.5,
            "watched": {"plays": 1, "last_watched_on": kept["play"].watched_on.isoformat()},
            "hidden": True,
        }
    ]
