"""A PostgreSQL that hangs costs a web request a few seconds at most, and then nothing.

A server that refuses connections fails at once; one that accepts and never answers (stopped,
overloaded, a network path that drops packets) makes libpq wait without limit once connected:
``connect_timeout`` bounds only a blocking connection, and ``statement_timeout`` is enforced by
the very server that hangs. psycopg2 hands every wait for the server (connecting, each query,
each result) to a Python callback when one is set (``psycopg2.extensions.set_wait_callback``,
its documented "green" mode): ``bound_waits`` sets one that bounds each wait by
``DATABASE_TIMEOUT`` seconds. A wait that times out raises ``DatabaseHung`` (psycopg2's
``OperationalError``, so Django's too: the API's 503) and psycopg2 closes that connection, which
Django replaces on the next request.

The first timeout also opens a breaker for ``DATABASE_BREAKER_RESET_SECONDS``: meanwhile every
database wait of the process fails at once (``DatabaseUnavailable``) instead of tying a worker up
for another timeout, so cached answers, which need no query, keep flowing; then the next wait is
a probe, bounded by ``PROBE_SECONDS`` (0.5): a database still hung opens the breaker again at
that cost, one that answers closes it. Each opening lasts a random half to all of the reset
time: workers whose first timeouts came together (the hang began) would otherwise probe
together too, every few seconds, and a cached read would find them all tied up at once.
(pybreaker, which core.redis uses, holds a lock for the whole call it guards: it would
serialize every query of a threaded worker; a float needs none.)

Only the web processes call ``bound_waits`` (config/wsgi.py, config/asgi.py): batch jobs (Celery
tasks, management commands) may run queries longer than a request should.
"""

import logging
import random
import select
import time

import psycopg2
from django.conf import settings
from psycopg2 import extensions

logger = logging.getLogger(__name__)
PROBE_SECONDS = 0.5


class DatabaseHung(psycopg2.OperationalError):  # type: ignore[misc]  # psycopg2 has no types
    """PostgreSQL did not answer within ``DATABASE_TIMEOUT``."""


class DatabaseUnavailable(psycopg2.OperationalError):  # type: ignore[misc]
    """Not waited for: PostgreSQL hung moments ago (the breaker is open)."""


class _Breaker:
    def __init__(self, timeout: float, reset_seconds: float) -> None:
        self.timeout = timeout
        self.reset_seconds = reset_seconds
        self.open_until = 0.0

    def wait(self, conn: extensions.connection) -> None:
        """psycopg2's wait callback: poll the connection until its operation is done."""
        now = time.monotonic()
        if now < self.open_until:
            raise DatabaseUnavailable("PostgreSQL hung moments ago: failing fast")
        # The first wait after the breaker opened is a probe, given PROBE_SECONDS: a database
        # still hung then costs the worker that long, not another full timeout.
        deadline = now + (min(self.timeout, PROBE_SECONDS) if self.open_until else self.timeout)
        while (state := conn.poll()) != extensions.POLL_OK:
            poller = select.poll()
            poller.register(
                conn.fileno(), select.POLLIN if state == extensions.POLL_READ else select.POLLOUT
            )
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                # (random is reseeded in each forked worker.)
                reset = self.reset_seconds * random.uniform(0.5, 1.0)  # noqa: S311  # not a secret
                self.open_until = time.monotonic() + reset
                logger.error("PostgreSQL did not answer in time: failing fast for %.1f s", reset)
                raise DatabaseHung("PostgreSQL did not answer in time")
        self.open_until = 0.0


def bound_waits() -> None:
    """Bound every wait of this process for PostgreSQL (``DATABASE_TIMEOUT`` seconds, then the
    breaker). Nothing on other databases."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    breaker = _Breaker(settings.DATABASE_TIMEOUT, settings.DATABASE_BREAKER_RESET_SECONDS)
    extensions.set_wait_callback(breaker.wait)
