"""The per-user favorites cache: key format, invalidation on every path, no stale read."""

import os

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalog import services as catalog_services
from core import versioned_cache
from favorites import cache as favorites_cache
from favorites.models import FavoriteMovie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory, tmdb_summary
from tests.conftest import client_for, read_page
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import client_skipping_authentication, record_cache_calls

LIST = reverse("favorites:favorite-movie-list")

pytestmark = pytest.mark.django_db(transaction=True)


def listed_ids(client, **params) -> list[int]:
    return [item["movie"]["id"] for item in client.get(LIST, params).json()["results"]]


def cached_page(user_id: int, page: int = 1, page_size: int | None = None):
    key = favorites_cache.page_key(user_id=user_id, page=page, page_size=page_size)
    return read_page(favorites_cache.FAVORITE_LISTS.pages(user_id), key).entry(key)


def user_version(user_id: int):
    return versioned_cache.read([favorites_cache.user_namespace(user_id)]).stamp


def test_list_is_cached_under_the_spec_key(user):
    FavoriteMovieFactory(user=user)
    client_for(user).get(LIST)
    client_for(user).get(LIST, {"page": 1, "page_size": 5})

    assert cached_page(user.id)["count"] == 1
    assert cached_page(user.id, page_size=5)["count"] == 1
    assert (
        favorites_cache.page_key(user_id=user.id, page=3) == f"favorite_movie_list_{user.id}_page_3"
    )


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_key_format_in_redis(user):
    from django_redis import get_redis_connection

    FavoriteMovieFactory(user=user)
    client_for(user).get(LIST)

    keys = {k.decode() for k in get_redis_connection("default").keys("*favorite_movie_list_*")}
    assert any(k.endswith(f":favorite_movie_list_{user.id}_page_1") for k in keys), keys


def test_cached_page_is_one_cache_round_trip(user, monkeypatch):
    client = client_skipping_authentication(user)  # the round trips are the list's own
    FavoriteMovieFactory(user=user)
    first = client.get(LIST, {"page_size": 5}).json()
    calls = record_cache_calls(monkeypatch, versioned_cache)

    second = client.get(LIST, {"page_size": 5}).json()

    assert calls == ["get_many"]  # the user's version and the page, together
    assert second == first


def test_page_built_for_another_version_is_a_miss(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user)
    client.get(LIST)
    key = favorites_cache.page_key(user_id=user.id, page=1)
    # A slow GET read, then ...
    late = read_page(favorites_cache.FAVORITE_LISTS.pages(user.id), key)
    favorites_cache.bump_user_versions([user.id])  # ... a write committed, then ...
    late.store(key, {"count": 0, "results": []}, timeout=60)  # ... the GET stores what it read

    assert cached_page(user.id) is None
    assert client.get(LIST).json()["count"] == 1


def test_add_and_remove_through_the_api_invalidate_every_page(user):
    client = client_for(user)
    FavoriteMovieFactory.create_batch(25, user=user)
    client.get(LIST)
    client.get(LIST, {"page": 2})
    movie = MovieFactory()

    created = client.post(LIST, {"movie_id": movie.id}, format="json").json()

    assert cached_page(user.id) is None and cached_page(user.id, 2) is None
    assert listed_ids(client)[0] == movie.id
    assert client.get(LIST, {"page": 2}).json()["count"] == 26
    client.delete(reverse("favorites:favorite-movie-detail", args=[created["id"]]))
    assert movie.id not in listed_ids(client)


@pytest.mark.parametrize(
    "remove",
    [
        pytest.param(lambda fav: fav.delete(), id="admin-delete"),
        pytest.param(lambda fav: FavoriteMovie.objects.filter(pk=fav.pk).delete(), id="bulk"),
        pytest.param(lambda fav: fav.movie.delete(), id="movie-cascade"),
    ],
)
def test_other_removal_paths_invalidate(user, remove):
    client = client_for(user)
    keep, gone = FavoriteMovieFactory(user=user), FavoriteMovieFactory(user=user)
    assert sorted(listed_ids(client)) == sorted([keep.movie_id, gone.movie_id])

    remove(gone)

    assert listed_ids(client) == [keep.movie_id]


def test_admin_add_invalidates(user):
    client = client_for(user)
    assert listed_ids(client) == []

    favorite = FavoriteMovie.objects.create(user=user, movie=MovieFactory())

    assert listed_ids(client) == [favorite.movie_id]


def test_user_deletion_cascades_and_bumps_their_version(user):
    FavoriteMovieFactory(user=user)
    client_for(user).get(LIST)
    before = user_version(user.id)

    user.delete()

    assert not FavoriteMovie.objects.exists()
    assert user_version(user.id) != before


def test_catalog_sync_of_a_favorited_movie_invalidates_its_fans_only(user):
    fan_client = client_for(user)
    other = UserFactory()
    FavoriteMovieFactory(user=user, movie=MovieFactory(tmdb_id=603, title="Old"))
    FavoriteMovieFactory(user=other)
    fan_client.get(LIST)
    client_for(other).get(LIST)

    catalog_services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert fan_client.get(LIST).json()["results"][0]["movie"]["title"] == "The Matrix"
    assert cached_page(other.id) is not None  # untouched


def test_no_stale_read_when_a_slow_get_fills_the_cache_after_a_write(user, monkeypatch):
    """A GET reads the database, then a POST commits, then the GET stores what it read: the next
    GET must still show the POST's favorite (the slow GET stored it under the old version)."""
    slow, fast = client_for(user), client_for(user)
    movie = MovieFactory()
    real_store = versioned_cache.Snapshot.store
    writes = []

    def interleaved_store(snapshot, key, data, **kwargs):
        if key.startswith("favorite_movie_list_") and not writes:
            writes.append(None)  # the POST's own stores run this again
            writes[0] = fast.post(LIST, {"movie_id": movie.id}, format="json").status_code
        real_store(snapshot, key, data, **kwargs)

    monkeypatch.setattr(versioned_cache.Snapshot, "store", interleaved_store)
    stale = slow.get(LIST).json()
    monkeypatch.setattr(versioned_cache.Snapshot, "store", real_store)

    assert writes == [201]
    assert stale["count"] == 0  # the slow GET answered with what it had read
    assert listed_ids(fast) == [movie.id]


def test_a_lost_version_key_never_revives_old_pages(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user)
    client.get(LIST)

    cache.delete(f"favorite_movie_list_{user.id}_version")  # evicted
    FavoriteMovie.objects.all().delete()

    assert listed_ids(client) == []


def test_endpoints_answer_from_the_database_when_the_cache_is_down(user, cache_down):
    client = client_for(user)
    movie = MovieFactory()

    created = client.post(LIST, {"movie_id": movie.id}, format="json")
    listed = listed_ids(client)
    removed = client.delete(reverse("favorites:favorite-movie-detail", args=[created.json()["id"]]))

    assert created.status_code == 201
    assert listed == [movie.id]
    assert removed.status_code == 204
    assert listed_ids(client) == []
