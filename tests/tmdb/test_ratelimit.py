"""TMDB's rate cap (tmdb.ratelimit, the ``limits`` library): one budget for everyone sharing its
storage, Redis across processes (and machines), memory within a process."""

import multiprocessing
import os
import socket
import time

import pytest

from tmdb.ratelimit import MEMORY, RateLimiter

REDIS_URL = os.environ.get("REDIS_URL", "")
STORAGES = [
    pytest.param(MEMORY, id="memory"),
    pytest.param(
        REDIS_URL,
        id="redis",
        marks=[pytest.mark.redis, pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")],
    ),
]


@pytest.fixture
def key() -> str:
    return f"test-{os.getpid()}-{time.monotonic_ns()}"


@pytest.mark.parametrize("storage", STORAGES)
def test_a_second_holds_at_most_the_cap(storage: str, key: str) -> None:
    limiter = RateLimiter(5.0, storage_uri=storage, key=key)

    taken = [limiter.try_acquire() for _ in range(8)]

    assert taken == [True] * 5 + [False] * 3


@pytest.mark.parametrize("storage", STORAGES)
def test_limiters_sharing_a_storage_share_the_budget(storage: str, key: str) -> None:
    """Two clients (two requests) of one process: the cap holds for both together."""
    first = RateLimiter(5.0, storage_uri=storage, key=key)
    second = RateLimiter(5.0, storage_uri=storage, key=key)

    assert [first.try_acquire() for _ in range(3)] == [True] * 3
    assert [second.try_acquire() for _ in range(3)] == [True, True, False]
    assert first.try_acquire() is False


def _take(storage: str, key: str, count: int, taken) -> None:
    limiter = RateLimiter(5.0, storage_uri=storage, key=key)
    taken.value = sum(limiter.try_acquire() for _ in range(count))


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")
def test_processes_counting_in_redis_share_the_budget(key: str) -> None:
    """Another process (a worker on another machine alike) spent the budget: none is left here."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    other = context.Process(target=_take, args=(REDIS_URL, key, 5, taken))
    other.start()
    other.join(10)

    assert taken.value == 5
    assert RateLimiter(5.0, storage_uri=REDIS_URL, key=key).try_acquire() is False


@pytest.mark.parametrize("storage", STORAGES)
def test_acquire_waits_for_a_free_slot(storage: str, key: str) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    limiter = RateLimiter(10.0, storage_uri=storage, key=key, sleep=sleep)
    for _ in range(10):
        limiter.acquire()
    assert waits == []

    limiter.acquire()  # the window is full: waits for the oldest slot to expire

    assert waits
    assert set(waits) == {0.1}


def test_a_redis_that_does_not_answer_counts_in_memory(key: str, caplog) -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        limiter = RateLimiter(5.0, storage_uri=f"redis://127.0.0.1:{port}/0", key=key)

        taken = [limiter.try_acquire() for _ in range(6)]

    assert taken == [True] * 5 + [False]
    assert "TMDB rate cap: Redis unreachable" in caplog.text


@pytest.mark.parametrize("per_second", [0, -1.0])
def test_rate_must_be_positive(per_second: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(per_second)


def test_a_fractional_rate(key: str) -> None:
    limiter = RateLimiter(0.5, key=key)  # one call per two seconds

    assert [limiter.try_acquire() for _ in range(2)] == [True, False]
