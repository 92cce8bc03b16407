"""Background jobs' helpers: one run of a job at a time, and tasks queued once a transaction has
committed.

``job_lock(name)`` holds a lock named ``name`` for its ``with`` block, or raises ``JobRunning``
at once if another run (another thread, process, worker or machine) holds it. With Redis
(``settings.JOB_LOCKS["REDIS_URL"]``, by default ``REDIS_URL``) it is redis-py's ``Lock`` with a
short expiry (``EXPIRE_SECONDS``) that a thread of the holder renews every third of it while the
job runs: a worker that crashes, is killed or loses its machine stops renewing, and the lock
lapses within ``EXPIRE_SECONDS``, however long the job would have run. Without Redis (``make
run``: one machine) it is an ``flock`` on a file in ``DIRECTORY``, which the kernel releases
when the holder's process dies.

``one_at_a_time(name)`` wraps a task (or any function) so that a run that finds the lock taken
is skipped, logged, and returns None.
"""

import fcntl
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypedDict, TypeVar

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

DEFAULTS: dict[str, Any] = {"REDIS_URL": "", "DIRECTORY": "", "EXPIRE_SECONDS": 60.0}
KEY_PREFIX = "job-lock:"


class JobRunning(Exception):  # a state, not a failure
    """Another run of the job holds its lock."""


def _settings() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "JOB_LOCKS", {})}


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


@contextmanager
def job_lock(name: str) -> Iterator[None]:
    """Hold the lock ``name`` for the block; raises ``JobRunning`` if another run holds it."""
    options = _settings()
    if options["REDIS_URL"]:
        with _redis_lock(name, url=options["REDIS_URL"], expire=float(options["EXPIRE_SECONDS"])):
            yield
    else:
        with _file_lock(name, directory=options["DIRECTORY"]):
            yield


@contextmanager
def _redis_lock(name: str, *, url: str, expire: float) -> Iterator[None]:
    lock = _redis(url).lock(KEY_PREFIX + name, timeout=expire, thread_local=False)
    if not lock.acquire(blocking=False):
        raise JobRunning(name)
    done = threading.Event()

    def renew() -> None:
        while not done.wait(expire / 3):
            try:
                lock.reacquire()  # back to the full expiry
            except redis.exceptions.LockNotOwnedError:
                logger.error("job %s lost its lock (Redis unreachable for %ss?)", name, expire)
                return
            except redis.RedisError:
                logger.warning("job %s could not renew its lock", name, exc_info=True)

    renewer = threading.Thread(target=renew, name=f"job-lock:{name}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()
        try:
            lock.release()
        except redis.exceptions.LockError:  # lapsed (and maybe taken by another run since)
            logger.warning("job %s: its lock had lapsed before the end", name)


@contextmanager
def _file_lock(name: str, *, directory: str) -> Iterator[None]:
    folder = Path(directory or settings.BASE_DIR / "var" / "locks")
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobRunning(name) from None
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def one_at_a_time(name: str) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Run the decorated function under ``job_lock(name)``; a run that finds it taken is
    skipped (logged) and returns None."""

    def decorator(function: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            with ExitStack() as stack:
                try:
                    stack.enter_context(job_lock(name))
                except JobRunning:
                    logger.info("%s is running already: this run is skipped", name)
                    return None
                return function(*args, **kwargs)

        return wrapper

    return decorator


class RetryOptions(TypedDict):
    """Celery's automatic retries, as ``@shared_task(**options)`` takes them: exceptions of
    ``autoretry_for`` are retried after an exponential backoff (``retry_backoff`` seconds at
    first, doubled each time up to ``retry_backoff_max``, jittered), ``max_retries`` times."""

    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: int
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int


class _Task(Protocol):
    def delay(self, *args: Any, **kwargs: Any) -> Any: ...


def delay_on_commit(task: _Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside one). A broker that
    refuses it is logged with its traceback (Django's robust ``on_commit``), not raised into the
    request that has committed already."""

    def queue() -> None:  # a function: Django names it in the log (not a partial)
        task.delay(*args, **kwargs)

    queue.__qualname__ = f"queue {getattr(task, 'name', task)}"
    transaction.on_commit(queue, robust=True)
