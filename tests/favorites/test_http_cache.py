"""Per-user pages over HTTP caching: private ETags, 304s from the versions alone, a hit that
is one cache round trip, the page read with the user authentication reads (no query, no
serializer), and never one user's validator or page for another."""

import json
import os

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from core import versioned_cache
from favorites import serializers
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import record_cache_calls

LIST = reverse("favorites:favorite-movie-list")
RECOMMENDATIONS = reverse("recommendations:recommendation-list")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("url", [LIST, RECOMMENDATIONS])
def test_private_etag_and_304_from_the_versions_alone(
    user, url, django_assert_num_queries, monkeypatch
):
    FavoriteMovieFactory(user=user)
    client = client_for(user)
    first = client.get(url)
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    assert first["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first["Vary"] and "Cookie" in first["Vary"]
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert calls == ["get_many"]  # the user and the versions in one round trip: no page


def test_cached_page_is_read_with_the_user(user, django_assert_num_queries, monkeypatch):
    client = client_for(user)  # a real token: authentication reads the user from the cache
    FavoriteMovieFactory.create_batch(3, user=user)
    first = client.get(LIST, {"page": 2, "page_size": 1})
    monkeypatch.setattr(
        serializers.FavoriteMovieSerializer,
        "to_representation",
        lambda *a: pytest.fail("the serializer ran on a cached page"),
    )
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        second = client.get(LIST, {"page": 2, "page_size": 1})

    assert calls == ["get_many"]  # the user it trusts and the page, in one round trip
    assert second.content == first.content
    assert json.loads(second.content)["next"].endswith("/api/favorite-movies/?page=3&page_size=1")


def test_links_are_this_requests(user):
    client = client_for(user)
    FavoriteMovieFactory.create_batch(3, user=user)
    client.get(LIST, {"page": 2, "page_size": 1})

    body = json.loads(
        client.get(LIST, {"page_size": 1, "page": 2, "utm": "x"}, HTTP_HOST="localhost").content
    )

    assert body["previous"] == "http://localhost/api/favorite-movies/?page_size=1&utm=x"
    assert body["next"] == "http://localhost/api/favorite-movies/?page=3&page_size=1&utm=x"


def test_a_304_never_hides_a_change(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user)
    before = client.get(LIST)

    added = client.post(LIST, {"movie_id": MovieFactory().id}, format="json")
    after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])

    assert added.status_code == 201
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["count"] == 2
    assert client.get(LIST, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_another_users_etag_is_never_a_304(user):
    other = UserFactory()
    FavoriteMovieFactory(user=user)
    FavoriteMovieFactory(user=other)
    mine = client_for(user).get(LIST)

    theirs = client_for(other).get(LIST, HTTP_IF_NONE_MATCH=mine["ETag"])

    assert theirs.status_code == 200 and theirs["ETag"] != mine["ETag"]
    assert theirs.json()["results"][0]["movie"]["id"] != mine.json()["results"][0]["movie"]["id"]


def test_a_hit_never_serves_another_users_page(user):
    other = UserFactory()
    FavoriteMovieFactory(user=other)
    client_for(other).get(LIST)  # other's page 1 is cached

    mine = client_for(user).get(LIST)

    assert mine.json()["count"] == 0


def test_revoked_token_gets_no_cached_page(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user)
    client.get(LIST)
    user.set_password("a new password 123")
    user.save()  # revokes the token (CHECK_REVOKE_TOKEN), bumps the user's namespace

    assert client.get(LIST).status_code == 401


def test_hit_is_drfs_json_byte_for_byte(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=MovieFactory(title="Amélie \u2028"))
    miss = client.get(LIST, {"page_size": 5})

    hit = client.get(LIST, {"page_size": 5})

    assert hit.content == miss.content
    assert hit.content == JSONRenderer().render(miss.json())


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_cached_page_is_one_redis_command(user, redis_commands):
    client = client_for(user)
    FavoriteMovieFactory(user=user)
    client.get(LIST)
    redis_commands.clear()

    hit = client.get(LIST)
    not_modified = client.get(LIST, HTTP_IF_NONE_MATCH=hit["ETag"])

    assert hit.status_code == 200 and not_modified.status_code == 304
    assert redis_commands == ["MGET"] * 2  # the user with the page, then with the versions


def test_a_row_has_no_get_whether_or_not_the_list_is_cached(user):
    client = client_for(user)
    favorite = FavoriteMovieFactory(user=user)
    row = reverse("favorites:favorite-movie-detail", args=[favorite.id])
    before = client.get(row)
    client.get(LIST)  # the list's page 1 is cached now

    after = client.get(row)

    assert (before.status_code, after.status_code) == (405, 405)
    assert after.json() == {"detail": 'Method "GET" not allowed.'}


def test_a_page_no_list_reaches_is_a_400_never_a_cache_key(user):
    client = client_for(user)
    FavoriteMovieFactory(user=user)

    response = client.get(LIST, {"page": "9" * 4000})  # a key past the cache's 250 characters

    assert response.status_code == 400 and response.json() == {"detail": "Invalid page."}
