"""Concurrent watchlist writes (PostgreSQL): one row per movie, and the list agrees with the
database afterwards."""

from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.concurrency import POSTGRES_ONLY, churn, in_threads
from tests.conftest import client_for
from watchlist.models import WatchlistItem

LIST = reverse("watchlist:watchlist-item-list")

pytestmark = POSTGRES_ONLY


def test_concurrent_adds_of_one_movie_store_it_once(user):
    movie = MovieFactory()
    statuses: list[int] = []

    def add() -> None:
        statuses.append(
            client_for(user).post(LIST, {"movie_id": movie.id}, format="json").status_code
        )

    in_threads(add, [(), (), ()], timeout=30)

    assert sorted(statuses) == [201, 400, 400]
    assert WatchlistItem.objects.filter(user=user, movie=movie).count() == 1


def test_parallel_adds_and_removes_leave_list_and_database_agreeing():
    movies = [MovieFactory().id for _ in range(5)]
    users = [UserFactory() for _ in range(6)]

    def write(client, user, movie_id, rng) -> int:
        if rng.random() < 0.6:
            return client.post(LIST, {"movie_id": movie_id}, format="json").status_code
        item = WatchlistItem.objects.filter(user=user, movie_id=movie_id).first()
        return client.delete(f"{LIST}{item.id if item else 0}/").status_code

    statuses = churn(users, movies, write=write, read=lambda client: client.get(LIST), writes=10)

    assert set(statuses) <= {201, 204, 400, 404}, sorted(set(statuses))
    for user in users:
        stored = sorted(WatchlistItem.objects.filter(user=user).values_list("movie_id", flat=True))
        listed = [i["movie"]["id"] for i in client_for(user).get(LIST).json()["results"]]
        assert sorted(listed) == stored


def test_parallel_removals_of_one_item_answer_204_once(user):
    item = WatchlistItem.objects.create(user=user, movie=MovieFactory())
    detail = reverse("watchlist:watchlist-item-detail", args=[item.id])
    statuses: list[int] = []

    def delete() -> None:
        statuses.append(client_for(user).delete(detail).status_code)

    in_threads(delete, [()] * 8, timeout=30)

    assert sorted(statuses) == [204] + [404] * 7
