"""Concurrent ratings (PostgreSQL): one row per user and movie, list and database agreeing."""

from decimal import Decimal

from django.urls import reverse

from ratings.models import Rating
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.concurrency import POSTGRES_ONLY, churn, in_threads
from tests.conftest import client_for

LIST = reverse("ratings:rating-list")

pytestmark = POSTGRES_ONLY


def url(movie_id) -> str:
    return reverse("ratings:movie-rating", args=[movie_id])


def test_concurrent_first_ratings_of_one_movie_leave_one_row(user):
    movie = MovieFactory()
    statuses: list[int] = []

    def put(value) -> None:
        client = client_for(user)
        statuses.append(client.put(url(movie.id), {"value": value}, format="json").status_code)

    in_threads(put, [(2,), (4,), (6,), (8,)], timeout=30)

    assert sorted(statuses)[0] in (200, 201) and set(statuses) <= {200, 201}
    assert statuses.count(201) == 1
    assert Rating.objects.get(user=user, movie=movie).value in {Decimal(v) for v in "2468"}


def test_parallel_rates_and_removals_leave_list_and_database_agreeing():
    movies = [MovieFactory().id for _ in range(4)]
    users = [UserFactory() for _ in range(6)]

    def write(client, user, movie_id, rng) -> int:
        if rng.random() < 0.7:
            value = rng.randint(1, 20) / 2
            return client.put(url(movie_id), {"value": value}, format="json").status_code
        return client.delete(url(movie_id)).status_code

    statuses = churn(users, movies, write=write, read=lambda client: client.get(LIST), writes=10)

    assert set(statuses) <= {200, 201, 204, 404}, sorted(set(statuses))
    for user in users:
        stored = dict(Rating.objects.filter(user=user).values_list("movie_id", "value"))
        listed = {
            r["movie"]["id"]: r["value"] for r in client_for(user).get(LIST).json()["results"]
        }
        assert listed == {movie: float(value) for movie, value in stored.items()}


def test_parallel_removals_of_one_rating_answer_204_once(user):
    movie = MovieFactory()
    Rating.objects.create(user=user, movie=movie, value=Decimal(7))
    statuses: list[int] = []

    def delete() -> None:
        statuses.append(client_for(user).delete(url(movie.id)).status_code)

    in_threads(delete, [()] * 8, timeout=30)

    assert sorted(statuses) == [204] + [404] * 7
