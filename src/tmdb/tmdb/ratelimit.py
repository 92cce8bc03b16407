"""TMDB's rate cap, shared by everyone who calls it: the ``limits`` library's moving window,
counted in Redis (every request, worker process and machine of a deployment share one budget)
or, without Redis, in this process's memory (every thread and client of the process share it).

A Redis that fails or hangs costs one short timeout and a warning: a circuit breaker (pybreaker)
then sends every count to memory without touching the network, and lets one through to Redis
every ``BREAKER_RESET_SECONDS`` to see whether it is back, as the API's throttles do."""

import logging
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any, cast

import pybreaker
from limits import RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)

MEMORY = "memory://"
# A hung Redis must not hold a visitor's request: the cap falls back to memory at once.
REDIS_OPTIONS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}

BREAKER_RESET_SECONDS = 5.0


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        if new_state.name == pybreaker.STATE_OPEN:
            logger.warning("TMDB rate cap: Redis unreachable, counting in memory")
        elif new_state.name == pybreaker.STATE_CLOSED:
            logger.warning("TMDB rate cap: Redis is back")


_storages: dict[str, tuple[Storage, pybreaker.CircuitBreaker]] = {}
_storages_lock = threading.Lock()


def shared_storage(uri: str) -> tuple[Storage, pybreaker.CircuitBreaker]:
    """One storage per URI in the process, so that every client shares its counts, with the
    breaker of its server."""
    with _storages_lock:
        if uri not in _storages:
            options = REDIS_OPTIONS if uri.startswith(("redis://", "rediss://")) else {}
            breaker = pybreaker.CircuitBreaker(
                fail_max=1, reset_timeout=BREAKER_RESET_SECONDS, listeners=[_LogStateChanges()]
            )
            storage = cast(Storage, storage_from_string(uri, **options))  # a sync URI
            _storages[uri] = (storage, breaker)
        return _storages[uri]


class RateLimiter:
    """At most ``per_second`` calls per second under ``key``, for all who share ``storage_uri``.

    ``try_acquire`` takes a slot if one is free now (a visitor's request, which will not wait);
    ``acquire`` waits for one (a job)."""

    def __init__(
        self,
        per_second: float,
        *,
        storage_uri: str = MEMORY,
        key: str = "tmdb",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        rate = Fraction(per_second).limit_denominator(1000)  # 0.5/s: 1 per 2 seconds
        self.item = RateLimitItemPerSecond(rate.numerator, rate.denominator)
        self.interval = float(1 / rate)  # between tries while the window is full
        self.key = key
        self.storage_uri = storage_uri
        self._sleep = sleep

    def _hit(self, storage: Storage) -> bool:
        return MovingWindowRateLimiter(storage).hit(self.item, self.key)

    def try_acquire(self) -> bool:
        """Take a slot if one is free now."""
        storage, breaker = shared_storage(self.storage_uri)
        if self.storage_uri == MEMORY:
            return self._hit(storage)
        try:
            return bool(breaker.call(self._hit, storage))
        except Exception:  # Redis down or hung, or the breaker open since it was
            return self._hit(shared_storage(MEMORY)[0])

    def acquire(self) -> None:
        """Wait for a slot, then take it."""
        while not self.try_acquire():
            self._sleep(self.interval)
