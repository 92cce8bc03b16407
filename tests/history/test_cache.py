"""The per-user history cache: one round trip when cached, invalidated on every write path
(an import's bulk insert included)."""

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from core import versioned_cache
from history.cache import HISTORIES
from history.models import Play
from history.services import PlayIn, plays_import
from tests.catalog.factories import MovieFactory, tmdb_summary
from tests.conftest import client_for
from tests.favorites.helpers import client_skipping_authentication, record_cache_calls
from tests.history.factories import PlayFactory

LIST = reverse("history:play-list")

pytestmark = pytest.mark.django_db(transaction=True)


def listed(client) -> list[int]:
    return [play["movie"]["id"] for play in client.get(LIST).json()["results"]]


def test_a_cached_page_is_one_round_trip_and_no_query(user, monkeypatch, django_assert_num_queries):
    client = client_skipping_authentication(user)
    PlayFactory(user=user)
    first = client.get(LIST).json()
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        assert client.get(LIST).json() == first

    assert calls == ["get_many"]
    assert HISTORIES.page_key(user_id=user.id, page=2) == f"history_{user.id}_page_2"


@pytest.mark.parametrize(
    "change",
    [
        lambda user, play: client_for(user).post(
            LIST, {"movie_id": MovieFactory().id}, format="json"
        ),
        lambda user, play: client_for(user).delete(f"{LIST}{play.id}/"),
        lambda user, play: Play.objects.filter(pk=play.pk).delete(),  # QuerySet.delete
        lambda user, play: play.movie.delete(),  # a cascade from the catalog
        lambda user, play: PlayFactory(user=user),  # the admin's save()
        lambda user, play: plays_import(  # a bulk insert: no post_save
            user=user, plays=[PlayIn(movie_id=MovieFactory().id)], source="trakt"
        ),
    ],
    ids=["api-add", "api-remove", "queryset-delete", "movie-deleted", "save", "import"],
)
def test_every_write_path_invalidates_the_users_pages(user, change):
    play = PlayFactory(user=user)
    client = client_for(user)
    listed(client)  # cached

    change(user, play)

    stored = Play.objects.filter(user=user).values_list("movie_id", flat=True)
    assert sorted(listed(client)) == sorted(stored)


def test_a_catalog_sync_invalidates_the_pages_of_those_who_played_the_movie(user):
    movie = MovieFactory(tmdb_id=603, title="Old title")
    PlayFactory(user=user, movie=movie)
    client = client_for(user)
    client.get(LIST)

    catalog_services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert client.get(LIST).json()["results"][0]["movie"]["title"] == "The Matrix"


def test_the_list_answers_from_the_database_when_the_cache_is_down(user, cache_down):
    client = client_for(user)
    movie = MovieFactory()

    assert client.post(LIST, {"movie_id": movie.id}, format="json").status_code == 201
    assert listed(client) == [movie.id]
