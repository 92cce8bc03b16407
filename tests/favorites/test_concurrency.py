"""Concurrent adds of the same movie by one user, through real threads and connections."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from favorites.models import FavoriteMovie
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
