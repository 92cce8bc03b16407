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
That tells this process only, when it next reaches Redis; other processes would meanwhile take
the stale entries (an access token revoked during the outage, say). So the first lost write also
sends ``cache_writes_lost`` on a connection of its own that waits as long as it takes: its
receivers' commands (``core.versioned_cache``: bump the epoch) are sent at once and wait in the
socket: a hung server has them before anything any process sends from then on, and runs them
when it reads again. A hung network delivers them when it delivers what it held, which a
request on a new connection may overtake, and TCP's retransmissions back off to minutes: so
after ``WAIT_SECONDS`` without an answer they are sent again on a new connection (running them
twice only invalidates twice). A Redis that refused the connection (stopped) is tried again
every ``RETRY_SECONDS``. Once they ran, the breaker closes: Redis answered.

Used as django-redis's ``REDIS_CLIENT_CLASS``.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pybreaker
import redis
from django.conf import settings
from redis.client import Pipeline

from core.metrics import BREAKER_OPENS, BREAKER_STATE
from core.signals import cache_recovered, cache_writes_lost

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Commands that change nothing; any other one refused or failed may have lost a write.
READS = frozenset({"GET", "MGET", "EXISTS", "TTL", "PTTL", "SCAN", "KEYS", "PING", "TYPE"})
RETRY_SECONDS = 0.5  # how often cache_writes_lost's commands are tried on a refusing Redis
WAIT_SECONDS = 2.0  # how long one try of them waits for an answer before the next one


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
        self.losses = 0  # writes lost, ever (``_send_writes_lost`` repeats while it grows)
        self.sending = False  # ``_send_writes_lost`` runs for this server
        self.lock = threading.Lock()

    def lose_write(self, client: redis.Redis) -> None:
        self.lost_writes = True
        with self.lock:
            self.losses += 1
            if self.sending:
                return
            self.sending = True
        threading.Thread(target=_send_writes_lost, args=(self, client), daemon=True).start()


def _send_writes_lost(server: _Server, client: redis.Redis) -> None:
    """``cache_writes_lost`` on a connection of ``client``'s server that waits ``WAIT_SECONDS``
    for each try, until its receivers ran after the last write lost; then the breaker closes."""
    pool = client.connection_pool
    waiting = redis.Redis(
        connection_pool=redis.ConnectionPool(
            connection_class=pool.connection_class,
            **{
                **pool.connection_kwargs,
                "socket_timeout": WAIT_SECONDS,
                "socket_connect_timeout": 1.0,
            },
        )
    )
    try:
        while True:
            losses = server.losses
            try:
                cache_writes_lost.send(sender=BreakerRedis, client=waiting)
            except (redis.ConnectionError, redis.TimeoutError):
                time.sleep(RETRY_SECONDS)
                continue
            with server.lock:
                if server.losses == losses:
                    server.sending = False
                    break
        server.breaker.close()
    except Exception:
        server.sending = False
        logger.exception("Redis %s: the commands for lost writes failed", server.breaker.name)
    finally:
        waiting.close()


# redis_breaker_state's values (core.metrics).
STATE_VALUES = {pybreaker.STATE_CLOSED: 0, pybreaker.STATE_HALF_OPEN: 1, pybreaker.STATE_OPEN: 2}


class _LogStateChanges(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        logger.warning("Redis %s: circuit %s -> %s", cb.name, old_state.name, new_state.name)
        BREAKER_STATE.labels(cb.name).set(STATE_VALUES[new_state.name])
        if new_state.name == pybreaker.STATE_OPEN:
            BREAKER_OPENS.labels(cb.name).inc()


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
            server.lose_write(client)
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
