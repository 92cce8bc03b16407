"""GET /api/account-states/?movie=<id>,<id>: each installed app's part of the user's
relationship with each movie, in one request with one query per part."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.catalog.factories import MovieFactory
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import client_skipping_authentication
from tests.history.factories import PlayFactory
from tests.ratings.factories import RatingFactory
from tests.watchlist.factories import WatchlistItemFactory

URL = reverse("accounts:account-states")
NOT_IDS = {"movie": ["Enter movie ids (whole numbers) separated by commas."]}

pytestmark = pytest.mark.django_db


def test_each_movie_gets_each_parts_state_in_the_order_asked(auth_client, user):
    a, b, c = MovieFactory(), MovieFactory(), MovieFactory()
    favorite = FavoriteMovieFactory(user=user, movie=a)
    item = WatchlistItemFactory(user=user, movie=b)
    RatingFactory(user=user, movie=a, value=Decimal("6.5"))
    PlayFactory(user=user, movie=b, watched_on=datetime.date(2024, 5, 1))
    PlayFactory(user=user, movie=b, watched_on=datetime.date(2025, 1, 2), rewatch=True)
    PlayFactory(user=user, movie=b, watched_on=None)
    PlayFactory(user=user, movie=c, watched_on=None)
    PlayFactory(movie=a)  # someone else's
    auth_client.delete(reverse("recommendations:hide-movie", args=[c.id]))

    response = auth_client.get(URL, {"movie": f"{c.id},{a.id},{b.id},{a.id},999999"})

    nothing = {
        "favorite": None,
        "watchlist": None,
        "rating": None,
        "watched": None,
        "hidden": False,
    }
    watched_b = {"plays": 3, "last_watched_on": "2025-01-02"}
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                **nothing,
                "id": c.id,
                "hidden": True,
                "watched": {"plays": 1, "last_watched_on": None},
            },
            {**nothing, "id": a.id, "favorite": {"id": favorite.id}, "rating": 6.5},
            {**nothing, "id": b.id, "watchlist": {"id": item.id}, "watched": watched_b},
            {**nothing, "id": 999999},  # no such movie: nothing of the user's
        ]
    }


def test_one_query_per_part(user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    movies = MovieFactory.create_batch(20)

    with django_assert_num_queries(5):  # favorites, watchlist, ratings, history, hidden
        response = client.get(URL, {"movie": ",".join(str(m.id) for m in movies)})

    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize(
    "movie",
    ["", "abc", "1,,2", "1, 2", " 1", "1.0", "-1", "0", "1e3", "\u0661", "\u00b2", "1,x",
     str(2**63)],
)  # fmt: skip
def test_anything_but_comma_separated_ascii_ids_is_400_on_movie(auth_client, movie):
    response = auth_client.get(URL, {"movie": movie})

    assert response.status_code == 400
    assert list(response.json()) == ["movie"]


def test_the_movie_parameter_is_required_and_bounded(auth_client, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "ACCOUNT_STATES_MAX_MOVIES": 3}

    missing = auth_client.get(URL)
    too_many = auth_client.get(URL, {"movie": "1,2,3,4"})
    repeated = auth_client.get(URL, {"movie": "1,2,3,1,2,3"})

    assert (missing.status_code, list(missing.json())) == (400, ["movie"])
    assert too_many.json() == {"movie": ["Ask for 3 movies at most."]}
    assert repeated.status_code == 200 and len(repeated.json()["results"]) == 3


def test_an_app_left_out_of_the_extension_point_contributes_nothing(auth_client, settings):
    settings.ACCOUNTS = {
        **settings.ACCOUNTS,
        "ACCOUNT_STATES": {"favorite": "favorites.selectors.favorite_states"},
    }
    movie = MovieFactory()

    assert auth_client.get(URL, {"movie": str(movie.id)}).json() == {
        "results": [{"id": movie.id, "favorite": None}]
    }


def test_it_needs_a_token(api_client):
    assert api_client.get(URL, {"movie": "1"}).status_code == 401
