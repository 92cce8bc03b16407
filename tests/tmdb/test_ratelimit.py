import threading

import pytest

from tests.tmdb.clock import FakeClock
from tmdb.ratelimit import RateLimiter


def test_first_call_does_not_wait(clock: FakeClock) -> None:
    RateLimiter(20.0, clock=clock.now, sleep=clock.sleep).acquire()

    assert clock.sleeps == []


def test_back_to_back_calls_are_spaced(clock: FakeClock) -> None:
    limiter = RateLimiter(20.0, clock=clock.now, sleep=clock.sleep)

    for _ in range(10):
        limiter.acquire()

    assert clock.sleeps == pytest.approx([0.05] * 9)
    assert clock.now() == pytest.approx(0.45)


def test_time_already_elapsed_is_not_waited_again(clock: FakeClock) -> None:
    limiter = RateLimiter(10.0, clock=clock.now, sleep=clock.sleep)

    limiter.acquire()
    clock.advance(0.04)
    limiter.acquire()
    clock.advance(1.0)
    limiter.acquire()

    assert clock.sleeps == pytest.approx([0.06])


def test_concurrent_callers_get_distinct_slots() -> None:
    sleeps: list[float] = []
    limiter = RateLimiter(20.0, clock=lambda: 0.0, sleep=sleeps.append)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(20)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(sleeps) == pytest.approx([0.05 * slot for slot in range(1, 20)])


@pytest.mark.parametrize("per_second", [0, -1.0])
def test_rate_must_be_positive(per_second: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(per_second)
