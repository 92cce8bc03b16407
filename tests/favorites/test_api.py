import dataclasses
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from favorites import services
from favorites.models import FavoriteMovie
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.catalog.factories import GenreFactory, MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import client_skipping_authentication

LIST = reverse("favorites:favorite-movie-list")
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}

pytestmark = pytest.mark.django_db


def detail(favorite_id) -> str:
    return reverse("favorites:favorite-movie-detail", args=[favorite_id])


def test_add_returns_201_with_spec_body(auth_client, user):
    movie = MovieFactory(title="Heat", overview="Cops.", poster_path="/heat.jpg")

    response = auth_client.post(LIST, {"movie_id": movie.id}, format="json")

    assert response.status_code == 201
    favorite = FavoriteMovie.objects.get(user=user)
    body = response.json()
    assert body == {
        "id": favorite.id,
        "movie": {
            "id": movie.id,
            "title": "Heat",
            "release_date": movie.release_date.isoformat(),
            "description": "Cops.",
            "poster_path": "https://image.tmdb.org/t/p/w500/heat.jpg",
        },
        "added_at": favorite.added_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    datetime.datetime.strptime(body["added_at"], "%Y-%m-%dT%H:%M:%SZ")  # the spec's format


def test_add_twice_is_400_already_in_favorites(auth_client):
    movie = MovieFactory()
    auth_client.post(LIST, {"movie_id": movie.id}, format="json")

    response = auth_client.post(LIST, {"movie_id": movie.id}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This movie is already in your favorites."]}
    assert FavoriteMovie.objects.count() == 1


@pytest.mark.parametrize("movie_id", [999999, 0, -5, 10**30])
def test_add_unknown_movie_is_400_invalid_pk(auth_client, movie_id):
    response = auth_client.post(LIST, {"movie_id": movie_id}, format="json")

    assert response.status_code == 400
    assert response.json() == {"movie_id": [f'Invalid pk "{movie_id}" - object does not exist.']}
    assert not FavoriteMovie.objects.exists()


def test_add_over_the_limit_is_400_and_wins_over_already_there(auth_client, user, settings):
    settings.FAVORITES = {"MAX_PER_USER": 2}
    kept = FavoriteMovieFactory.create_batch(2, user=user)
    limit = {"non_field_errors": ["You cannot keep more than 2 favorites."]}

    new = auth_client.post(LIST, {"movie_id": MovieFactory().id}, format="json")
    again = auth_client.post(LIST, {"movie_id": kept[0].movie_id}, format="json")
    unknown = auth_client.post(LIST, {"movie_id": 999999}, format="json")

    assert (new.status_code, new.json()) == (400, limit)
    assert (again.status_code, again.json()) == (400, limit)
    assert unknown.json() == {"movie_id": ['Invalid pk "999999" - object does not exist.']}
    assert FavoriteMovie.objects.count() == 2


def test_add_lost_to_a_concurrent_add_is_400_already_in_favorites(auth_client, user, monkeypatch):
    """Another request adds the same movie between this one's read and its INSERT: the unique
    constraint decides, and the answer is the same as for a movie already there."""
    movie = MovieFactory()
    read = services.FAVORITES.find_movie

    def read_then_lose_the_race(**kwargs):
        found = read(**kwargs)
        FavoriteMovie.objects.create(user=user, movie=movie)
        return found

    racing = dataclasses.replace(services.FAVORITES, find_movie=read_then_lose_the_race)
    monkeypatch.setattr(services, "FAVORITES", racing)  # what favorite_add adds with
    response = auth_client.post(LIST, {"movie_id": movie.id}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This movie is already in your favorites."]}
    assert FavoriteMovie.objects.filter(user=user).count() == 1


def test_add_reads_the_movie_once_and_inserts(user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    FavoriteMovieFactory.create_batch(3, user=user)
    movie = MovieFactory(title="Heat")

    # The movie (the catalog's list item), the user's favorite count and whether it is one of
    # them, then the INSERT in a savepoint (SAVEPOINT, INSERT, RELEASE); no read-back.
    with django_assert_num_queries(5):
        response = client.post(LIST, {"movie_id": movie.id}, format="json")

    assert response.status_code == 201
    assert response.json()["movie"]["title"] == "Heat"


@pytest.mark.parametrize("body", [{}, {"movie_id": "abc"}, {"movie_id": None}, {"movie_id": [1]}])
def test_add_missing_or_non_integer_movie_id_is_400_on_movie_id(auth_client, body):
    response = auth_client.post(LIST, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["movie_id"]


def test_list_is_newest_first_with_spec_shape(auth_client, user):
    now = timezone.now()
    old = FavoriteMovieFactory(user=user, added_at=now - datetime.timedelta(days=1))
    new = FavoriteMovieFactory(user=user, added_at=now)
    tie = FavoriteMovieFactory(user=user, added_at=now)  # same time: higher id first

    body = auth_client.get(LIST).json()

    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None
    assert [item["id"] for item in body["results"]] == [tie.id, new.id, old.id]
    assert set(body["results"][0]) == {"id", "movie", "added_at"}
    assert set(body["results"][0]["movie"]) == {
        "id", "title", "release_date", "description", "poster_path",
    }  # fmt: skip


def test_list_paginates_with_links(auth_client, user):
    FavoriteMovieFactory.create_batch(25, user=user)

    first = auth_client.get(LIST).json()
    second = auth_client.get(LIST, {"page": 2}).json()
    small = auth_client.get(LIST, {"page": 3, "page_size": 5}).json()

    assert len(first["results"]) == 20
    assert first["next"].endswith("/api/favorite-movies/?page=2")
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"].endswith("/api/favorite-movies/")
    assert small["previous"].endswith("page=2&page_size=5")
    assert small["next"].endswith("page=4&page_size=5")


@pytest.mark.parametrize("page", ["0", "-1", "abc", "3", "1.5"])
def test_list_invalid_page_is_400(auth_client, user, page):
    FavoriteMovieFactory.create_batch(21, user=user)

    response = auth_client.get(LIST, {"page": page})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid page."}


def test_remove_returns_204_without_body(auth_client, user):
    favorite = FavoriteMovieFactory(user=user)

    response = auth_client.delete(detail(favorite.id))

    assert response.status_code == 204
    assert response.content == b""
    assert not FavoriteMovie.objects.exists()


@pytest.mark.parametrize("favorite_id", ["999999", "abc"])
def test_remove_unknown_is_404(auth_client, favorite_id):
    response = auth_client.delete(f"/api/favorite-movies/{favorite_id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_users_cannot_see_or_remove_each_others_favorites(user):
    other = UserFactory()
    mine = FavoriteMovieFactory(user=user)
    theirs = FavoriteMovieFactory(user=other)
    me = client_for(user)

    assert [f["id"] for f in me.get(LIST).json()["results"]] == [mine.id]
    response = me.delete(detail(theirs.id))
    assert response.status_code == 404  # same answer as a missing one: existence not revealed
    assert response.json() == {"detail": "Not found."}
    assert FavoriteMovie.objects.filter(pk=theirs.pk).exists()
    # Adding the same movie as another user is fine: favorites are per user.
    assert me.post(LIST, {"movie_id": theirs.movie_id}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("method", "url_name"),
    [("get", "list"), ("post", "list"), ("delete", "detail")],
)
def test_endpoints_need_a_token(api_client, method, url_name):
    url = LIST if url_name == "list" else detail(1)

    response = getattr(api_client, method)(url)

    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS


def test_invalid_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("method", "url_name"),
    [("put", "list"), ("patch", "list"), ("delete", "list"), ("get", "detail"),
     ("put", "detail"), ("patch", "detail"), ("post", "detail")],
)  # fmt: skip
def test_other_methods_are_405_json(auth_client, user, method, url_name):
    favorite = FavoriteMovieFactory(user=user)
    url = LIST if url_name == "list" else detail(favorite.id)

    response = getattr(auth_client, method)(url, {}, format="json")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_list_query_count_is_constant(auth_client, user, django_assert_num_queries):
    genres = GenreFactory.create_batch(3)
    for movie in MovieFactory.create_batch(100, genres=genres):
        FavoriteMovieFactory(user=user, movie=movie)

    with django_assert_num_queries(3):  # user (authentication), count, page
        response = auth_client.get(LIST, {"page_size": 100})

    assert len(response.json()["results"]) == 100


def test_cached_page_costs_no_query_beyond_authentication(user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    FavoriteMovieFactory.create_batch(5, user=user)
    client.get(LIST)

    with django_assert_num_queries(0):
        client.get(LIST)


def test_token_and_me_list_favorite_movie_ids(api_client, user):
    first = FavoriteMovieFactory(user=user, added_at=timezone.now() - datetime.timedelta(1))
    second = FavoriteMovieFactory(user=user)

    token = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    ).json()
    me = client_for(user).get(reverse("accounts:me")).json()

    assert token["user"]["favorite_movies"] == [second.movie_id, first.movie_id]
    assert me["favorite_movies"] == [second.movie_id, first.movie_id]


def test_favorite_writes_are_throttled(auth_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "favorites_write": "2/min",
        },
    }
    movies = MovieFactory.create_batch(3)
    for movie in movies[:2]:
        assert auth_client.post(LIST, {"movie_id": movie.id}, format="json").status_code == 201

    response = auth_client.post(LIST, {"movie_id": movies[2].id}, format="json")

    assert response.status_code == 429
    assert "Retry-After" in response
    assert auth_client.get(LIST).status_code == 200  # reads are not throttled
