"""The per-user watchlist cache: one round trip when cached, invalidated on every write path."""

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from core import versioned_cache
from tests.catalog.factories import MovieFactory, tmdb_summary
from tests.conftest import client_for, read_page
from tests.favorites.helpers import client_skipping_authentication, record_cache_calls
from tests.watchlist.factories import WatchlistItemFactory
from watchlist.cache import WATCHLISTS
from watchlist.models import WatchlistItem

LIST = reverse("watchlist:watchlist-item-list")

pytestmark = pytest.mark.django_db(transaction=True)


def listed(client) -> list[int]:
    return [item["movie"]["id"] for item in client.get(LIST).json()["results"]]


def test_pages_are_cached_per_user_under_their_keys(user):
    WatchlistItemFactory(user=user)
    client_for(user).get(LIST, {"page_size": 5})

    key = WATCHLISTS.page_key(user_id=user.id, page=1, page_size=5)
    assert key == f"watchlist_{user.id}_page_1_size_5"
    assert read_page(WATCHLISTS.pages(user.id), key).entry(key)["count"] == 1


def test_a_cached_page_is_one_round_trip_and_no_query(user, monkeypatch, django_assert_num_queries):
    client = client_skipping_authentication(user)
    WatchlistItemFactory(user=user)
    first = client.get(LIST).json()
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        second = client.get(LIST).json()

    assert calls == ["get_many"]
    assert second == first


@pytest.mark.parametrize(
    "change",
    [
        lambda user, item: client_for(user).post(
            LIST, {"movie_id": MovieFactory().id}, format="json"
        ),
        lambda user, item: client_for(user).delete(f"{LIST}{item.id}/"),
        lambda user, item: WatchlistItem.objects.filter(pk=item.pk).delete(),  # QuerySet.delete
        lambda user, item: item.movie.delete(),  # a cascade from the catalog
        lambda user, item: WatchlistItemFactory(user=user),  # the admin's save()
    ],
    ids=["api-add", "api-remove", "queryset-delete", "movie-deleted", "save"],
)
def test_every_write_path_invalidates_the_users_pages(user, change):
    item = WatchlistItemFactory(user=user)
    client = client_for(user)
    listed(client)  # cached

    change(user, item)

    stored = WatchlistItem.objects.filter(user=user).values_list("movie_id", flat=True)
    assert sorted(listed(client)) == sorted(stored)


def test_a_catalog_sync_invalidates_the_pages_of_those_keeping_the_movie(user):
    movie = MovieFactory(tmdb_id=603, title="Old title")
    WatchlistItemFactory(user=user, movie=movie)
    client = client_for(user)
    client.get(LIST)

    catalog_services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert client.get(LIST).json()["results"][0]["movie"]["title"] == "The Matrix"


def test_the_list_answers_from_the_database_when_the_cache_is_down(user, cache_down):
    client = client_for(user)
    movie = MovieFactory()

    assert client.post(LIST, {"movie_id": movie.id}, format="json").status_code == 201
    assert listed(client) == [movie.id]
