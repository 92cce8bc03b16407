"""The watchlist API: favorites' contract (bodies, errors, pagination, throttle) on its own URL."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.catalog.factories import GenreFactory, MovieFactory
from tests.conftest import client_for
from tests.favorites.helpers import client_skipping_authentication
from tests.watchlist.factories import WatchlistItemFactory
from watchlist.models import WatchlistItem

LIST = reverse("watchlist:watchlist-item-list")
ALREADY = {"non_field_errors": ["This movie is already on your watchlist."]}

pytestmark = pytest.mark.django_db


def item_url(item_id) -> str:
    return reverse("watchlist:watchlist-item-detail", args=[item_id])


def test_add_is_201_with_the_item_and_its_movie(auth_client, user):
    movie = MovieFactory(title="Heat", overview="Cops.", poster_path="/heat.jpg")

    response = auth_client.post(LIST, {"movie_id": movie.id}, format="json")

    item = WatchlistItem.objects.get(user=user)
    assert (response.status_code, response.json()) == (
        201,
        {
            "id": item.id,
            "movie": {
                "id": movie.id,
                "title": "Heat",
                "release_date": movie.release_date.isoformat(),
                "description": "Cops.",
                "poster_path": "https://image.tmdb.org/t/p/w500/heat.jpg",
            },
            "added_at": item.added_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )


def test_add_again_is_400_already_there(auth_client):
    movie_id = MovieFactory().id
    first = auth_client.post(LIST, {"movie_id": movie_id}, format="json")

    again = auth_client.post(LIST, {"movie_id": movie_id}, format="json")

    assert first.status_code == 201
    assert (again.status_code, again.json()) == (400, ALREADY)
    assert WatchlistItem.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"movie_id": "abc"}, {"movie_id": None}, {"movie_id": [1]}, {"movie_id": True},
     {"movie_id": 1.5}, {"movie_id": "\u0661"}, {"movie_id": "1 "}],
)  # fmt: skip
def test_add_without_an_integer_movie_id_is_400_on_the_field(auth_client, body):
    response = auth_client.post(LIST, body, format="json")

    assert (response.status_code, list(response.json())) == (400, ["movie_id"])
    assert not WatchlistItem.objects.exists()


@pytest.mark.parametrize("movie_id", [999999, 0, -5, 10**30])
def test_add_unknown_movie_is_400_invalid_pk(auth_client, movie_id):
    response = auth_client.post(LIST, {"movie_id": movie_id}, format="json")

    assert response.json() == {"movie_id": [f'Invalid pk "{movie_id}" - object does not exist.']}
    assert not WatchlistItem.objects.exists()


def test_add_over_the_limit_is_400(auth_client, user, settings):
    settings.WATCHLIST = {"MAX_PER_USER": 1}
    WatchlistItemFactory(user=user)

    response = auth_client.post(LIST, {"movie_id": MovieFactory().id}, format="json")

    assert response.json() == {
        "non_field_errors": ["You cannot keep more than 1 movies on your watchlist."]
    }
    assert WatchlistItem.objects.filter(user=user).count() == 1


def test_add_reads_the_movie_and_counts_in_one_query_each(user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    movie = MovieFactory()

    with django_assert_num_queries(5):  # movie, counts, SAVEPOINT, INSERT, RELEASE
        assert client.post(LIST, {"movie_id": movie.id}, format="json").status_code == 201


def test_list_is_newest_first_and_paginated(auth_client, user):
    now = timezone.now()
    old = WatchlistItemFactory(user=user, added_at=now - datetime.timedelta(days=1))
    new = WatchlistItemFactory(user=user, added_at=now)
    tie = WatchlistItemFactory(user=user, added_at=now)  # same time: the higher id first

    page = auth_client.get(LIST, {"page_size": 2}).json()
    last = auth_client.get(LIST, {"page_size": 2, "page": 2}).json()

    assert page["count"] == 3 and page["previous"] is None and "page=2" in page["next"]
    assert [i["id"] for i in page["results"] + last["results"]] == [tie.id, new.id, old.id]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2", "٣"])
def test_invalid_page_is_400(auth_client, user, page):
    WatchlistItemFactory(user=user)

    response = auth_client.get(LIST, {"page": page})

    assert (response.status_code, response.json()) == (400, {"detail": "Invalid page."})


def test_remove_is_204_then_404(auth_client, user):
    item = WatchlistItemFactory(user=user)

    removed = auth_client.delete(item_url(item.id))
    again = auth_client.delete(item_url(item.id))

    assert (removed.status_code, removed.content) == (204, b"")
    assert (again.status_code, again.json()) == (404, {"detail": "Not found."})


def test_list_query_count_is_constant(auth_client, user, django_assert_num_queries):
    for movie in MovieFactory.create_batch(30, genres=GenreFactory.create_batch(2)):
        WatchlistItemFactory(user=user, movie=movie)

    with django_assert_num_queries(3):  # user (authentication), count, page
        response = auth_client.get(LIST, {"page_size": 30})

    assert len(response.json()["results"]) == 30


@pytest.mark.parametrize(("method", "url"), [("get", LIST), ("post", LIST), ("delete", "1/")])
def test_endpoints_need_a_token(api_client, method, url):
    response = getattr(api_client, method)(url if url == LIST else f"{LIST}{url}")

    assert response.status_code == 401


def test_writes_are_throttled_reads_are_not(auth_client, throttle_rates):
    throttle_rates(watchlist_write="2/min")
    movies = MovieFactory.create_batch(3)

    answers = [
        auth_client.post(LIST, {"movie_id": m.id}, format="json").status_code for m in movies
    ]

    assert answers == [201, 201, 429]
    assert auth_client.get(LIST).status_code == 200


def test_users_see_and_remove_only_their_own(user):
    mine, theirs = WatchlistItemFactory(user=user), WatchlistItemFactory()
    me = client_for(user)

    assert [i["id"] for i in me.get(LIST).json()["results"]] == [mine.id]
    assert me.delete(item_url(theirs.id)).status_code == 404
    assert WatchlistItem.objects.filter(pk=theirs.pk).exists()
