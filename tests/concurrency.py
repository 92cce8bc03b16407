"""Concurrent writes through real threads, each with its own database connection (PostgreSQL):
the races the per-user lists (favorites, watchlist, ratings) must survive."""

import random
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests.conftest import client_for

# A suite's module marks: real transactions, and PostgreSQL (SQLite serialises writers).
POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def in_threads(work: Callable[..., None], arguments: list[tuple], timeout: float = 120) -> None:
    """``work(*args)`` for each ``args``, each in a thread of its own, started together (a
    barrier), each closing its database connection when done."""
    barrier = threading.Barrier(len(arguments))

    def run(*args) -> None:
        barrier.wait()
        try:
            work(*args)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def churn(
    users: list,
    movies: list[int],
    *,
    write: Callable[..., int],
    read: Callable[..., None],
    writes: int = 15,
) -> list[int]:
    """Two threads per user, each making ``writes`` random ``write(client, user, movie_id, rng)``
    calls (each answering a status) over the same movies, reading (``read(client)``, which fills
    the cache) after each; the statuses answered."""
    statuses: list[int] = []

    def one(user, seed: int) -> None:
        rng = random.Random(seed)
        client = client_for(user)
        for _ in range(writes):
            statuses.append(write(client, user, rng.choice(movies), rng))
            read(client)

    in_threads(one, [(user, n * 10 + i) for n, user in enumerate(users) for i in range(2)])
    return statuses
