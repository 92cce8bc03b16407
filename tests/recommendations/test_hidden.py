"""Not interested: DELETE /api/recommendations/<movie_id>/ hides a movie from the user's
recommendations (similar movies, a movie's own and public, stay), GET .../hidden/ lists them,
DELETE .../hidden/<id>/ restores."""

import pytest
from django.db import connection
from django.urls import reverse

from recommendations.models import HiddenMovie
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.concurrency import in_threads
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

RECOMMENDATIONS = reverse("recommendations:recommendation-list")
HIDDEN = reverse("recommendations:hidden-movie-list")

pytestmark = pytest.mark.django_db(transaction=True)


def hide_url(movie_id) -> str:
    return reverse("recommendations:hide-movie", args=[movie_id])


def restore_url(movie_id) -> str:
    return reverse("recommendations:hidden-movie-detail", args=[movie_id])


def recommended(client) -> list[int]:
    return [i["id"] for i in client.get(RECOMMENDATIONS, {"page_size": 100}).json()["results"]]


def test_a_hidden_movie_is_never_recommended_until_restored(planted, user):
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    client = client_for(user)
    assert planted.b.id in recommended(client)  # cached now

    hidden = client.delete(hide_url(planted.b.id))
    assert (hidden.status_code, hidden.content) == (204, b"")
    assert planted.b.id not in recommended(client)  # the cached page went
    assert planted.c.id in recommended(client)

    assert client.delete(restore_url(planted.b.id)).status_code == 204
    assert planted.b.id in recommended(client)


def test_a_hidden_movie_is_not_even_a_popular_top_up(user):
    popular = MovieFactory(popularity=99.0)
    client = client_for(user)
    assert popular.id in recommended(client)

    client.delete(hide_url(popular.id))

    assert popular.id not in recommended(client)


def test_hiding_is_idempotent_and_restoring_what_is_not_hidden_is_404(user):
    movie = MovieFactory()
    client = client_for(user)

    answers = [client.delete(hide_url(movie.id)).status_code for _ in range(2)]

    assert answers == [204, 204]
    assert HiddenMovie.objects.filter(user=user).count() == 1
    assert client.delete(restore_url(movie.id)).status_code == 204
    assert client.delete(restore_url(movie.id)).json() == {"detail": "Not found."}


@pytest.mark.parametrize("movie_id", [999999, 2**63, 10**25])
def test_hiding_an_unknown_movie_is_404_and_stores_nothing(user, movie_id):
    response = client_for(user).delete(hide_url(movie_id))

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert not HiddenMovie.objects.exists()


@pytest.mark.parametrize("movie_id", [999999, 2**63, 10**25])
def test_restoring_an_id_no_movie_has_is_404(user, movie_id):
    response = client_for(user).delete(restore_url(movie_id))

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_hiding_past_the_limit_is_400(user, settings):
    settings.RECOMMENDATIONS = {**settings.RECOMMENDATIONS, "MAX_HIDDEN_PER_USER": 1}
    client = client_for(user)
    client.delete(hide_url(MovieFactory().id))

    response = client.delete(hide_url(MovieFactory().id))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You cannot hide more than 1 movies."]}
    assert HiddenMovie.objects.count() == 1


def test_hidden_list_is_latest_first_paginated_and_cached(user, django_assert_num_queries):
    first, second = MovieFactory(title="First"), MovieFactory(title="Second")
    client = client_for(user)
    client.delete(hide_url(first.id))
    client.delete(hide_url(second.id))

    body = client.get(HIDDEN).json()
    assert [i["movie"]["title"] for i in body["results"]] == ["Second", "First"]
    assert set(body["results"][0]) == {"movie", "hidden_at"}
    assert client.get(HIDDEN, {"page": 9}).json() == {"detail": "Invalid page."}

    client.delete(restore_url(second.id))
    assert [i["movie"]["id"] for i in client.get(HIDDEN).json()["results"]] == [first.id]


def test_similar_movies_are_the_same_for_everyone_whatever_one_hid(planted, user, api_client):
    """Similar movies are the movie's, publicly cached: hiding concerns one's recommendations."""
    neighbour_table_build()
    url = reverse("recommendations:similar-movie-list", args=[planted.a.id])
    client = client_for(user)
    client.delete(hide_url(planted.b.id))

    mine = client.get(url)
    anyone = api_client.get(url)

    assert planted.b.id in [i["id"] for i in anyone.json()["results"]]
    assert mine.content == anyone.content
    assert "public" in mine["Cache-Control"]


def test_one_users_hidden_movies_do_not_change_anothers(planted, user):
    FavoriteMovieFactory(user=user, movie=planted.a)
    other = UserFactory()
    FavoriteMovieFactory(user=other, movie=planted.a)
    neighbour_table_build()
    client_for(other).delete(hide_url(planted.b.id))

    assert planted.b.id in recommended(client_for(user))
    assert client_for(user).get(HIDDEN).json()["count"] == 0


def test_hide_and_restore_need_a_token_and_are_throttled(api_client, user, throttle_rates):
    throttle_rates(recommendations_write="2/min")
    movie = MovieFactory()

    assert api_client.delete(hide_url(movie.id)).status_code == 401
    assert api_client.get(HIDDEN).status_code == 401
    client = client_for(user)
    answers = [client.delete(hide_url(movie.id)).status_code for _ in range(3)]
    assert answers == [204, 204, 429]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_parallel_restores_of_one_hidden_movie_answer_204_once(user):
    movie = MovieFactory()
    HiddenMovie.objects.create(user=user, movie=movie)
    statuses: list[int] = []

    def restore() -> None:
        statuses.append(client_for(user).delete(restore_url(movie.id)).status_code)

    in_threads(restore, [()] * 8, timeout=30)

    assert sorted(statuses) == [204] + [404] * 7
