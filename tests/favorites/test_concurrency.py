"""Concurrent writes through real threads and database connections (PostgreSQL)."""

import random
import threading

import pytest
from django.db import connection
from django.urls import reverse

from favorites.models import FavoriteMovie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for

LIST = reverse("favorites:favorite-movie-list")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_adds_give_one_201_and_one_400(user, attempt):
    movie = MovieFactory()
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    bodies: list[dict] = []

    def add() -> None:
        client = client_for(user)
        barrier.wait()
        try:
            response = client.post(LIST, {"movie_id": movie.id}, format="json")
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 400]
    assert {"non_field_errors": ["This movie is already in your favorites."]} in bodies
    assert FavoriteMovie.objects.filter(user=user, movie=movie).count() == 1


def test_many_users_adding_and_removing_in_parallel_stay_consistent():
    """8 users x 2 threads each race adds and removes over the same 6 movies; afterwards each
    user's (cached) list equals the database, with no duplicates and no 5xx on the way."""
    movies = [MovieFactory().id for _ in range(6)]
    users = [UserFactory() for _ in range(8)]
    statuses: list[int] = []
    barrier = threading.Barrier(len(users) * 2)

    def churn(user, seed: int) -> None:
        rng = random.Random(seed)
        client = client_for(user)
        barrier.wait()
        try:
            for _ in range(15):
                movie_id = rng.choice(movies)
                if rng.random() < 0.6:
                    response = client.post(LIST, {"movie_id": movie_id}, format="json")
                else:
                    favorite = FavoriteMovie.objects.filter(user=user, movie_id=movie_id).first()
                    response = client.delete(f"{LIST}{favorite.id if favorite else 0}/")
                statuses.append(response.status_code)
                client.get(LIST)  # fill the cache between writes
        finally:
            connection.close()

    threads = [
        threading.Thread(target=churn, args=(user, n * 10 + i))
        for n, user in enumerate(users)
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert set(statuses) <= {201, 204, 400, 404}, sorted(set(statuses))
    for user in users:
        stored = list(FavoriteMovie.objects.filter(user=user).values_list("movie_id", flat=True))
        assert len(stored) == len(set(stored))
        listed = [item["movie"]["id"] for item in client_for(user).get(LIST).json()["results"]]
        assert sorted(listed) == sorted(stored)
