"""A cached per-user page is read with the user that authentication reads
(``core.api.read_along``): one cache round trip for every per-user list; what was read along
answers only the read it was asked for, and a page is checked only once the client is known."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core import versioned_cache
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import record_cache_calls

FAVORITES = reverse("favorites:favorite-movie-list")
USER_LISTS = [
    FAVORITES,
    reverse("watchlist:watchlist-item-list"),
    reverse("ratings:rating-list"),
    reverse("recommendations:recommendation-list"),
    reverse("recommendations:hidden-movie-list"),
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", USER_LISTS)
def test_a_cached_page_of_every_users_list_is_one_round_trip(
    user, url, monkeypatch, django_assert_num_queries
):
    FavoriteMovieFactory(user=user)
    client = client_for(user)  # a real token: authentication reads the user from the cache
    first = client.get(url)
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert calls == ["get_many"]  # the user and the page


def test_a_tag_that_is_not_current_reads_the_page_after_the_versions(user, monkeypatch):
    FavoriteMovieFactory(user=user)
    client = client_for(user)
    first = client.get(FAVORITES)
    calls = record_cache_calls(monkeypatch, versioned_cache)

    again = client.get(FAVORITES, HTTP_IF_NONE_MATCH='W/"not-current"')

    assert again.status_code == 200 and again.content == first.content
    assert calls == ["get_many", "get_many"]  # the versions with the user, then the page


def test_a_page_is_checked_once_the_client_is_known(user):
    anonymous = APIClient().get(FAVORITES, {"page_size": "x"})
    known = client_for(user).get(FAVORITES, {"page_size": "x"})

    assert anonymous.status_code == 401
    assert known.status_code == 400 and "page_size" in known.json()
