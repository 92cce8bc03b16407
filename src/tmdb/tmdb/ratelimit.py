import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces calls at least ``1 / per_second`` seconds apart, across threads.

    Each caller reserves the next free slot under the lock, then sleeps outside it until that
    slot, so concurrent callers queue up instead of bursting. ``clock`` and ``sleep`` are
    injectable so tests can count the waits without waiting.
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")

    def acquire(self) -> None:
        """Block until this caller may send a request."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        if slot > now:
            self._sleep(slot - now)
