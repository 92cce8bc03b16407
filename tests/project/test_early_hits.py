"""Cached per-user pages answered before DRF's dispatch (``core.api.early_hits``), on every
list that has them: the same status, headers and bytes as DRF's dispatch answers, for hits,
304s and errors; misses and other media types carried on into DRF's dispatch, with no check or
read made twice."""

import os
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import OperationalError
from django.http.response import HttpResponseBase
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.authentication import JWTAuthentication

from core import versioned_cache
from core.api import early_hits
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import record_cache_calls

pytestmark = pytest.mark.django_db(transaction=True)

_LISTS = {
    "favorites": "favorites:favorite-movie-list",
    "watchlist": "watchlist:watchlist-item-list",
    "ratings": "ratings:rating-list",
    "recommendations": "recommendations:recommendation-list",
    "hidden": "recommendations:hidden-movie-list",
}
_APPS = {"hidden": "recommendations"}
LISTS = [name for name in _LISTS if apps.is_installed(_APPS.get(name, name))]


def _rows(user, count: int = 3) -> None:
    """``count`` rows in each of the user's lists, and movies to recommend."""
    from recommendations.models import HiddenMovie

    for movie in MovieFactory.create_batch(count, overview=""):
        FavoriteMovieFactory(user=user, movie=movie)
        if apps.is_installed("watchlist"):
            from tests.watchlist.factories import WatchlistItemFactory

            WatchlistItemFactory(user=user, movie=movie)
        if apps.is_installed("ratings"):
            from tests.ratings.factories import RatingFactory

            RatingFactory(user=user, movie=movie)
    for movie in MovieFactory.create_batch(count, overview=""):
        HiddenMovie.objects.create(user=user, movie=movie)
    MovieFactory.create_batch(6, overview="")  # to recommend (popular ones, without a build)


@pytest.fixture
def answers(monkeypatch) -> list[str]:
    """What each ``early_hits.answer`` gave: "response", "carry on" (the DRF request for
    DRF's dispatch) or "afresh" (None)."""
    given: list[str] = []
    real = early_hits.answer

    def recording(*args, **kwargs):
        answer = real(*args, **kwargs)
        kind = "afresh" if answer is None else "carry on"
        given.append("response" if isinstance(answer, HttpResponseBase) else kind)
        return answer

    monkeypatch.setattr(early_hits, "answer", recording)
    return given


def _drf(monkeypatch, client, method: str, url: str, **extra):
    """The answer of DRF's dispatch alone, to the same request."""
    with monkeypatch.context() as patch:
        patch.setattr(early_hits, "answer", lambda *args, **kwargs: None)
        return getattr(client, method)(url, **extra)


def _same(early, drf) -> None:
    assert early.status_code == drf.status_code
    assert early.content == drf.content
    assert dict(early.headers) == dict(drf.headers)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("", None),
        ("?page=2&page_size=2", "*/*"),
        ("?page_size=1&utm_source=mail", "application/json"),
        ("?page=3&page_size=1", "application/json, text/plain, */*"),  # axios's default
    ],
)
def test_a_hit_is_what_drf_answers_byte_for_byte(name, query, accept, answers, monkeypatch):
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse(_LISTS[name]) + query
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    stored = client.get(url, **headers)
    answers.clear()

    early = client.get(url, **headers)

    assert answers == ["response"]
    assert early.status_code == 200 and early.content == stored.content
    _same(early, _drf(monkeypatch, client, "get", url, **headers))


@pytest.mark.parametrize("name", LISTS)
def test_a_304_is_what_drf_answers(name, answers, monkeypatch, django_assert_num_queries):
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse(_LISTS[name])
    tag = client.get(url)["ETag"]
    answers.clear()
    calls = record_cache_calls(monkeypatch, versioned_cache)

    with django_assert_num_queries(0):
        early = client.get(url, HTTP_IF_NONE_MATCH=f'"other", {tag}')

    assert answers == ["response"] and calls == ["get_many"]
    assert early.status_code == 304 and early.content == b""
    _same(early, _drf(monkeypatch, client, "get", url, HTTP_IF_NONE_MATCH=f'"other", {tag}'))


@pytest.mark.parametrize("name", LISTS)
def test_head_is_answered_early_as_drf_answers_it(name, answers, monkeypatch):
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse(_LISTS[name])
    client.get(url)
    answers.clear()

    early = client.head(url)

    assert answers == ["response"]
    _same(early, _drf(monkeypatch, client, "head", url))


def _database_down(*args, **kwargs):
    raise OperationalError("connection refused")


def _access_token(user):
    from accounts.tokens import SessionRefreshToken

    return SessionRefreshToken.for_user(user).access_token


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no token", "response"),  # the 401, by DRF's handle_exception
        ("a forged token", "response"),
        ("an expired token", "response"),
        ("a revoked token", "response"),  # the user's token version moved on
        ("an inactive user", "response"),
        ("an HTML client", "response"),  # DRF's negotiation refuses it: the 406
        ("the database down", "response"),  # the user not cached: the exception handler's 503
        ("an invalid page", "carry on"),  # DRF's dispatch answers the 400
        ("a page past the end", "carry on"),
        ("If-None-Match: *", "carry on"),
        ("?format=json", "carry on"),  # a renderer asked for by name: DRF negotiates
        ("a miss", "carry on"),
    ],
)
def test_anything_else_is_what_drf_answers(case, expected, answers, monkeypatch):
    from accounts.cache import user_key

    user = UserFactory()
    _rows(user, count=2)
    url = reverse("favorites:favorite-movie-list")
    token = _access_token(user)
    extra: dict[str, str] = {}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(url)  # page 1 stored
    if case == "no token":
        client.credentials()
    elif case == "a forged token":
        signed = str(token)
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {signed[:-2]}{'AA' if signed[-2:] != 'AA' else 'BB'}"
        )
    elif case == "an expired token":
        token.set_exp(lifetime=-timedelta(seconds=1))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    elif case == "a revoked token":
        user.token_version += 1
        user.save()
    elif case == "an inactive user":
        user.is_active = False
        user.save()
    elif case == "an invalid page":
        url += "?page=%D9%A3"  # an Arabic-Indic 3: not a plain page number
    elif case == "a page past the end":
        url += "?page=9"
    elif case == "If-None-Match: *":
        extra["HTTP_IF_NONE_MATCH"] = "*"
    elif case == "an HTML client":
        extra["HTTP_ACCEPT"] = "text/html"
    elif case == "the database down":
        cache.delete(user_key(user.pk))
        monkeypatch.setattr(JWTAuthentication, "get_user", _database_down)
    elif case == "?format=json":
        url += "?format=json"
    elif case == "a miss":
        url += "?page_size=7"
    answers.clear()

    early = client.get(url, **extra)

    assert answers == [expected]
    _same(early, _drf(monkeypatch, client, "get", url, **extra))


def test_a_miss_carries_on_without_reading_the_user_again(monkeypatch, answers):
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse("favorites:favorite-movie-list")
    client.get(url)  # the user cached
    calls = record_cache_calls(monkeypatch, versioned_cache)

    miss = client.get(url, {"page_size": 2})

    assert answers[-1] == "carry on" and miss.status_code == 200
    assert calls == ["get_many", "set"]  # the user and the page in one read; the page stored


def test_a_throttled_hit_is_drfs_429_and_each_request_counted_once(
    monkeypatch, answers, throttle_rates
):
    from core.api.user_lists import UserMovieListViewSet

    throttle_rates(favorites_write="2/min")
    monkeypatch.setattr(UserMovieListViewSet, "throttle_scope", "favorites_write")
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse("favorites:favorite-movie-list")

    first = client.get(url)  # a miss: counted by DRF's dispatch, not before by the early path
    second = client.get(url)  # a hit: counted early
    third = client.get(url)  # refused early (a refusal is not counted)
    monkeypatch.setattr(early_hits, "answer", lambda *args, **kwargs: None)
    fourth = client.get(url)  # DRF's dispatch alone: refused too

    assert [r.status_code for r in (first, second, third, fourth)] == [200, 200, 429, 429]
    assert answers == ["carry on", "response", "response"]
    assert "Retry-After" in third and set(third.headers) == set(fourth.headers)


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_a_hit_and_a_304_are_one_redis_command_each(redis_commands, answers):
    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse("favorites:favorite-movie-list")
    tag = client.get(url)["ETag"]
    redis_commands.clear()

    hit = client.get(url)
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert (hit.status_code, not_modified.status_code) == (200, 304)
    assert answers[-2:] == ["response", "response"]
    assert redis_commands == ["MGET", "MGET"]


def test_a_hit_the_views_permissions_refuse_is_drfs_403(monkeypatch, answers):
    from rest_framework.permissions import IsAdminUser

    from favorites.views import FavoriteMovieViewSet

    user = UserFactory()
    _rows(user)
    client = client_for(user)
    url = reverse("favorites:favorite-movie-list")
    client.get(url)  # stored
    monkeypatch.setattr(FavoriteMovieViewSet, "permission_classes", [IsAdminUser])
    answers.clear()

    refused = client.get(url)

    assert answers == ["response"]
    assert refused.status_code == 403
    _same(refused, _drf(monkeypatch, client, "get", url))
