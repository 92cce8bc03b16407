"""core.postgres's breaker on its own (tests/project/test_database_outage.py runs it against a
paused PostgreSQL): how long a worker fails fast after a wait timed out."""

import socket
import time

import pytest
from psycopg2 import extensions

from core import postgres


class SilentConnection:
    """What psycopg2 hands the wait callback, for a server that never answers."""

    def __init__(self) -> None:
        self.ours, self.theirs = socket.socketpair()

    def poll(self) -> int:
        return extensions.POLL_READ

    def fileno(self) -> int:
        return self.ours.fileno()


def test_workers_that_time_out_together_do_not_all_probe_together():
    """Each opening lasts a random half to all of the reset time: the workers whose first
    timeouts came together (a hang began) would otherwise probe together every time."""
    breakers = [postgres._Breaker(timeout=0.01, reset_seconds=100) for _ in range(12)]
    for breaker in breakers:
        before = time.monotonic()
        with pytest.raises(postgres.DatabaseHung):
            breaker.wait(SilentConnection())
        after = time.monotonic()
        with pytest.raises(postgres.DatabaseUnavailable):  # fails fast, without waiting
            breaker.wait(SilentConnection())
        assert before + 50 <= breaker.open_until <= after + 100

    reopen = sorted(breaker.open_until for breaker in breakers)
    assert reopen[-1] - reopen[0] > 5  # spread over up to 50 s (all within 5 s: p < 1e-9)
