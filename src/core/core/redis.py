"""A Redis client that fails fast while Redis is down or hung: a circuit breaker (pybreaker).

django-redis waits out its socket timeout on every call to a Redis that does not answer (a
stopped or overloaded server), so each request would stall for as many timeouts as it has cache
calls. Here the first failure opens the breaker of that server, shared by every cache alias and
thread of the process: from then on commands fail at once, without touching the network (the
caches then answer from the database, the throttles count locally), until after
``settings.REDIS_BREAKER_RESET_SECONDS`` (default 5) one command is let through as a probe; if it
succeeds the breaker closes.

Writes refused or lost meanwhile (a version bump among them) could leave stale entries in a
Redis that kept its data: when the breaker closes after such a loss, ``cache_recovered`` is sent.

Used as django-redis's ``REDIS_CLIENT_CLASS``.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pybreaker
import redis
from django.conf import settings
from redis.client import Pipeline

from core.signals import cache_recovered

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Commands that change nothing; any other one refused or failed may have lost a write.
READS = frozenset({"GET", "MGET", "EXISTS", "TTL", "PTTL", "SCAN", "KEYS", "PING", "TYPE"})


class _Server:
    """One Redis server's breaker, and whether writes to it were lost while it was open."""

    def __init__(self, name: str) -> None:
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=1,
            reset_timeout=getattr(settings, "REDIS_BREAKER_RESET_SECONDS", 5.0),
            exclude=[redis.ResponseError],  # Redis answered: it is up
            listeners=[_LogStateChanges()],
            name=name,
        )
        self.lost_writes = False


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        logger.warning("Redis %s: circuit %s -> %s", cb.name, old_state.name, new_state.name)


_servers: dict[str, _Server] = {}
_servers_lock = threading.Lock()


def server_for(client: redis.Redis) -> _Server:
    kwargs = client.connection_pool.connection_kwargs
    name = f"{kwargs.get('host', kwargs.get('path'))}:{kwargs.get('port', '')}"
    with _servers_lock:
        if name not in _servers:
            _servers[name] = _Server(name)
        return _servers[name]


def _guarded(client: redis.Redis, command: str, call: Callable[[], T]) -> T:
    server = server_for(client)
    try:
        result = server.breaker.call(call)
    except (pybreaker.CircuitBreakerError, redis.ConnectionError, redis.TimeoutError) as exc:
        if command.upper() not in READS:
            server.lost_writes = True
        if isinstance(exc, pybreaker.CircuitBreakerError):
            raise redis.ConnectionError(f"Redis {server.breaker.name}: circuit open") from exc
        raise
    if server.lost_writes and server.breaker.current_state == pybreaker.STATE_CLOSED:
        server.lost_writes = False
        cache_recovered.send(sender=BreakerRedis)
        if command.upper() in READS:
            # What it read predates the epoch's bump: a stale entry would pass as current
            # (a page read with the user it is for, in one round trip).
            return server.breaker.call(call)
    return result


class BreakerRedis(redis.Redis):
    """redis-py's client, every command and pipeline through its server's breaker."""

    def execute_command(self, *args: Any, **options: Any) -> Any:
        run = super().execute_command
        # redis-py's own execute_command is unannotated.
        return _guarded(self, str(args[0]), lambda: run(*args, **options))  # type: ignore[no-untyped-call]

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return _BreakerPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )


class _BreakerPipeline(Pipeline):
    def execute(self, raise_on_error: bool = True) -> list[Any]:
        run = super().execute
        return _guarded(self, "PIPELINE", lambda: run(raise_on_error))
