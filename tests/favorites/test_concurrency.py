"""Concurrent writes through real threads and database connections (PostgreSQL)."""

import pytest
from django.urls import reverse

from favorites.models import FavoriteMovie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.concurrency import POSTGRES_ONLY, churn, in_threads
from tests.conftest import client_for

LIST = reverse("favorites:favorite-movie-list")

pytestmark = POSTGRES_ONLY


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_adds_give_one_201_and_one_400(user, attempt):
    movie = MovieFactory()
    answers: list[tuple[int, dict]] = []

    def add() -> None:
        response = client_for(user).post(LIST, {"movie_id": movie.id}, format="json")
        answers.append((response.status_code, response.json()))

    in_threads(add, [(), ()], timeout=30)

    assert sorted(status for status, _ in answers) == [201, 400]
    assert (400, {"non_field_errors": ["This movie is already in your favorites."]}) in answers
    assert FavoriteMovie.objects.filter(user=user, movie=movie).count() == 1


def test_many_users_adding_and_removing_in_parallel_stay_consistent():
    """8 users x 2 threads each race adds and removes over the same 6 movies; afterwards each
    user's (cached) list equals the database, with no duplicates and no 5xx on the way."""
    movies = [MovieFactory().id for _ in range(6)]
    users = [UserFactory() for _ in range(8)]

    def write(client, user, movie_id, rng) -> int:
        if rng.random() < 0.6:
            return client.post(LIST, {"movie_id": movie_id}, format="json").status_code
        favorite = FavoriteMovie.objects.filter(user=user, movie_id=movie_id).first()
        return client.delete(f"{LIST}{favorite.id if favorite else 0}/").status_code

    statuses = churn(users, movies, write=write, read=lambda client: client.get(LIST))

    assert set(statuses) <= {201, 204, 400, 404}, sorted(set(statuses))
    for user in users:
        stored = list(FavoriteMovie.objects.filter(user=user).values_list("movie_id", flat=True))
        assert len(stored) == len(set(stored))
        listed = [item["movie"]["id"] for item in client_for(user).get(LIST).json()["results"]]
        assert sorted(listed) == sorted(stored)


def test_parallel_removals_of_one_favorite_answer_204_once(user):
    favorite = FavoriteMovie.objects.create(user=user, movie=MovieFactory())
    detail = reverse("favorites:favorite-movie-detail", args=[favorite.id])
    statuses: list[int] = []

    def delete() -> None:
        statuses.append(client_for(user).delete(detail).status_code)

    in_threads(delete, [()] * 8, timeout=30)

    assert sorted(statuses) == [204] + [404] * 7
