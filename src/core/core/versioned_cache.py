"""Cache entries that a version bump invalidates at once: the one caching scheme of every app.

A *namespace* is a version key: global (``catalog:version``), per user
(``favorite_movie_list_<id>_version``), or several combined (a recommendations page holds for
the user's favorites, the movies and the build). An entry is stored under a stable key as
``(stamp, data)``, the stamp being the versions read *before* the data was read from the
database. A read fetches the versions and the entries in one round trip (``get_many``) and takes
an entry with any other stamp as a miss; a bump moves a version on, so every entry stored under
the old one is a miss from then on (no key scan, no delete race). A slow request that read the
data before a change committed stores it under the old stamp, which no reader accepts any more.

The rules, the same for every namespace:

- a missing version (never set, or evicted) starts at the current time in nanoseconds, a value
  no evicted version can have had, so a lost version never revives old entries;
- a bump increments the version; a version that is missing has nothing stale to invalidate;
- with the cache down (reads return nothing and writes are lost, as django-redis is deployed
  with ``IGNORE_EXCEPTIONS``) the stamp is None: every read misses and nothing is stored;
- every stamp also holds ``EPOCH``, bumped when the cache answers again after an outage that
  lost writes: a bump lost then cannot leave stale entries. With Redis (``core.redis``) the bump
  is sent as soon as a write is lost and waits in the socket for Redis to answer
  (``core.signals.cache_writes_lost``: a hung server runs it before what any process sends
  later); the process that lost the write bumps it again when it next reaches Redis
  (``core.signals.cache_recovered``).
"""

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.dispatch import receiver

from core.metrics import count_cache_read
from core.signals import cache_recovered, cache_writes_lost

T = TypeVar("T")
Stamp = tuple[Any, ...]


@dataclass(frozen=True)
class Namespace:
    """The version key under whose current value entries are valid."""

    version_key: str

    def bump(self) -> None:
        """Invalidate every entry stored under this namespace; call once the change committed."""
        bump(self)


EPOCH = Namespace("versioned_cache:epoch")


@receiver(cache_recovered, dispatch_uid="core.versioned_cache.epoch")
def _cache_recovered(sender: object, **kwargs: object) -> None:
    EPOCH.bump()


# The epoch's increment when it exists (a missing version has nothing stale to invalidate).
_INCR_IF_EXISTS = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end"
)


@receiver(cache_writes_lost, dispatch_uid="core.versioned_cache.epoch_first")
def _cache_writes_lost(sender: object, client: Any, **kwargs: object) -> None:
    """The epoch's bump as the first command the server runs when it answers again: no
    process then reads an entry that a lost write (a bump) should have invalidated."""
    client.eval(_INCR_IF_EXISTS, 1, cache.make_key(EPOCH.version_key))


def bump(*namespaces: Namespace) -> None:
    for namespace in namespaces:
        with contextlib.suppress(ValueError):  # no version: nothing stored under it is current
            cache.incr(namespace.version_key)


@dataclass(frozen=True)
class Snapshot:
    """What one read found: the stamp (the namespaces' versions; None when the cache is
    unavailable) and the raw values of the other keys read (absent when missing)."""

    stamp: Stamp | None
    found: dict[str, Any]

    def entry(self, key: str) -> Any:
        """The data stored under ``key`` for this stamp; None on a miss (counted, by namespace:
        ``cache_reads_total``)."""
        stored = self.found.get(key)
        if self.stamp is None or stored is None or stored[0] != self.stamp:
            count_cache_read(key, hit=False)
            return None
        count_cache_read(key, hit=True)
        return stored[1]

    def extended(self, *versions: Any) -> "Snapshot":
        """This snapshot whose stamp also holds versions kept elsewhere (e.g. a build id)."""
        return Snapshot(None if self.stamp is None else (*self.stamp, *versions), self.found)

    def store(self, key: str, data: Any, *, timeout: float | None) -> None:
        """Store ``data``, read from the database after this snapshot was taken."""
        if self.stamp is not None:
            cache.set(key, (self.stamp, data), timeout=timeout)


@dataclass(frozen=True)
class Read:
    """What one read asks for: the namespaces whose versions stamp it, and its other keys."""

    namespaces: Sequence[Namespace]
    keys: Sequence[str] = ()


def read(namespaces: Sequence[Namespace], keys: Iterable[str] = ()) -> Snapshot:
    """The namespaces' versions and the values of ``keys``, in one round trip while the
    versions exist (two more to start a missing one)."""
    return read_many([Read(namespaces, list(keys))])[0]


def read_many(reads: Sequence[Read]) -> list[Snapshot]:
    """Several reads in the round trip of one (each its own snapshot): authentication's user
    and the page a view serves, say."""
    version_keys = list(
        dict.fromkeys([EPOCH.version_key, *(ns.version_key for r in reads for ns in r.namespaces)])
    )
    found = cache.get_many([*version_keys, *(key for r in reads for key in r.keys)])
    versions = {key: found.pop(key, None) for key in version_keys}
    missing = [key for key, version in versions.items() if version is None]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), timeout=None)  # another request may win: keep its
        versions.update(cache.get_many(missing))
    down = any(versions.get(key) is None for key in version_keys)  # the cache keeps nothing

    def snapshot(r: Read) -> Snapshot:
        stamp = None
        if not down:
            stamp = (
                versions[EPOCH.version_key],
                *(versions[ns.version_key] for ns in r.namespaces),
            )
        return Snapshot(stamp, {key: found[key] for key in r.keys if key in found})

    return [snapshot(r) for r in reads]


def cached(
    namespaces: Sequence[Namespace], key: str, compute: Callable[[], T], *, timeout: float | None
) -> T:
    """The entry under ``key`` for the namespaces' current versions, else ``compute()``,
    stored for them."""
    snapshot = read(namespaces, [key])
    data: T | None = snapshot.entry(key)
    if data is None:
        data = compute()
        snapshot.store(key, data, timeout=timeout)
    return data
