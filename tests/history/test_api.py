"""The history API: list (newest first, cached per user), add with validation, remove."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from history.models import Play
from tests.catalog.factories import GenreFactory, MovieFactory
from tests.conftest import client_for
from tests.favorites.helpers import client_skipping_authentication
from tests.history.factories import PlayFactory

LIST = reverse("history:play-list")
MISSING = "(left out)"

pytestmark = pytest.mark.django_db


def play_url(play_id) -> str:
    return reverse("history:play-detail", args=[play_id])


def test_add_is_201_with_the_play_and_its_movie(auth_client, user):
    movie = MovieFactory(title="Heat", overview="Cops.", poster_path="/heat.jpg")

    response = auth_client.post(
        LIST,
        {"movie_id": movie.id, "watched_on": "2024-05-01", "rewatch": True, "note": " Again "},
        format="json",
    )

    play = Play.objects.get(user=user)
    assert (response.status_code, response.json()) == (
        201,
        {
            "id": play.id,
            "movie": {
                "id": movie.id,
                "title": "Heat",
                "release_date": movie.release_date.isoformat(),
                "description": "Cops.",
                "poster_path": "https://image.tmdb.org/t/p/w500/heat.jpg",
            },
            "watched_on": "2024-05-01",
            "rewatch": True,
            "note": "Again",
            "source": None,
            "created_at": play.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )


def test_add_with_the_movie_alone_is_an_undated_first_watch(auth_client, user):
    movie = MovieFactory()

    body = auth_client.post(LIST, {"movie_id": movie.id}, format="json").json()

    assert (body["watched_on"], body["rewatch"], body["note"]) == (None, False, "")
    assert (
        auth_client.post(
            LIST, {"movie_id": movie.id, "watched_on": None}, format="json"
        ).status_code
        == 201
    )
    assert Play.objects.filter(user=user, watched_on=None).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"movie_id": MISSING}, "movie_id"),
        ({"movie_id": "abc"}, "movie_id"),
        ({"movie_id": True}, "movie_id"),
        ({"movie_id": 999_999}, "movie_id"),
        ({"movie_id": 10**30}, "movie_id"),
        ({"watched_on": "2024-02-30"}, "watched_on"),
        ({"watched_on": "20240501"}, "watched_on"),
        ({"watched_on": "2024-W18-3"}, "watched_on"),
        ({"watched_on": "2024-05-01T10:00:00"}, "watched_on"),
        ({"watched_on": 20240501}, "watched_on"),
        ({"watched_on": "1899-12-31"}, "watched_on"),
        ({"watched_on": "9999-12-31"}, "watched_on"),
        ({"rewatch": "yes"}, "rewatch"),
        ({"rewatch": 1}, "rewatch"),
        ({"rewatch": None}, "rewatch"),
        ({"note": "x" * 1001}, "note"),
        ({"note": "a\x00b"}, "note"),
        ({"note": "a\ud800b"}, "note"),
        ({"note": None}, "note"),
        ({"note": 5}, "note"),
    ],
)
def test_an_invalid_add_is_400_on_its_field_and_stores_nothing(auth_client, body, field):
    movie = MovieFactory()

    sent = {key: value for key, value in {"movie_id": movie.id, **body}.items() if value != MISSING}
    # As JSON text: a lone surrogate travels escaped ("\\ud800"), as a client would send it.
    response = auth_client.post(LIST, json.dumps(sent), content_type="application/json")

    assert (response.status_code, list(response.json())) == (400, [field])
    assert not Play.objects.exists()


def test_a_day_in_the_future_is_400_with_a_clear_message(auth_client):
    tomorrow_everywhere = (timezone.now() + datetime.timedelta(days=2)).date()

    response = auth_client.post(
        LIST,
        {"movie_id": MovieFactory().id, "watched_on": tomorrow_everywhere.isoformat()},
        format="json",
    )

    assert response.json() == {"watched_on": ["Enter a day that is not in the future."]}


def test_add_over_the_limit_is_400(auth_client, user, settings):
    settings.HISTORY = {"MAX_PER_USER": 1}
    PlayFactory(user=user)

    response = auth_client.post(LIST, {"movie_id": MovieFactory().id}, format="json")

    assert response.json() == {
        "non_field_errors": ["You cannot keep more than 1 plays in your history."]
    }


def test_the_list_is_newest_first_by_day_undated_last(auth_client, user):
    day = datetime.date(2024, 5, 1)
    undated = PlayFactory(user=user, watched_on=None)
    old = PlayFactory(user=user, watched_on=day - datetime.timedelta(days=30))
    first = PlayFactory(user=user, watched_on=day)
    second = PlayFactory(user=user, watched_on=day)  # the same day: entered later, first
    PlayFactory(watched_on=day)  # someone else's

    page = auth_client.get(LIST, {"page_size": 3}).json()
    rest = auth_client.get(LIST, {"page_size": 3, "page": 2}).json()

    assert page["count"] == 4
    ids = [p["id"] for p in page["results"] + rest["results"]]
    assert ids == [second.id, first.id, old.id, undated.id]


def test_the_list_is_three_queries_at_any_length(auth_client, user, django_assert_num_queries):
    for movie in MovieFactory.create_batch(30, genres=GenreFactory.create_batch(2)):
        PlayFactory(user=user, movie=movie)

    with django_assert_num_queries(3):  # user (authentication), count, page
        response = auth_client.get(LIST, {"page_size": 30})

    assert len(response.json()["results"]) == 30


def test_add_is_the_movie_the_count_and_the_insert(user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    movie = MovieFactory()

    with django_assert_num_queries(5):  # movie, count, SAVEPOINT, INSERT, RELEASE
        assert client.post(LIST, {"movie_id": movie.id}, format="json").status_code == 201


@pytest.mark.django_db(transaction=True)  # the bumps run on commit
def test_the_list_is_cached_and_an_add_or_remove_shows_at_once(auth_client, user):
    movie = MovieFactory()
    first = auth_client.get(LIST)
    etag = first["ETag"]

    assert auth_client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    added = auth_client.post(LIST, {"movie_id": movie.id}, format="json").json()
    after_add = auth_client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    auth_client.delete(play_url(added["id"]))
    after_remove = auth_client.get(LIST).json()

    assert (after_add.status_code, after_add.json()["count"]) == (200, 1)
    assert after_remove["count"] == 0
    assert "private" in first["Cache-Control"]


def test_remove_is_204_then_404_and_someone_elses_play_is_404(auth_client, user):
    mine, theirs = PlayFactory(user=user), PlayFactory()

    removed = auth_client.delete(play_url(mine.id))
    again = auth_client.delete(play_url(mine.id))
    other = auth_client.delete(play_url(theirs.id))

    assert (removed.status_code, removed.content) == (204, b"")
    assert (again.status_code, again.json()) == (404, {"detail": "Not found."})
    assert (other.status_code, other.json()) == (404, {"detail": "Not found."})
    assert Play.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("play_id", ["abc", "0", str(2**64), "\u0661"])
def test_remove_of_an_id_no_play_has_is_404(auth_client, play_id):
    assert auth_client.delete(f"{LIST}{play_id}/").status_code == 404


def test_users_see_only_their_own(user):
    mine, _ = PlayFactory(user=user), PlayFactory()

    assert [p["id"] for p in client_for(user).get(LIST).json()["results"]] == [mine.id]


@pytest.mark.parametrize(("method", "url"), [("get", LIST), ("post", LIST), ("delete", "1/")])
def test_endpoints_need_a_token(api_client, method, url):
    response = getattr(api_client, method)(url if url == LIST else f"{LIST}{url}")

    assert response.status_code == 401


def test_writes_are_throttled_reads_are_not(auth_client, throttle_rates):
    throttle_rates(history_write="2/min")
    movie = MovieFactory()

    answers = [
        auth_client.post(LIST, {"movie_id": movie.id}, format="json").status_code for _ in range(3)
    ]

    assert answers == [201, 201, 429]
    assert auth_client.get(LIST).status_code == 200
