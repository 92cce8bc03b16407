"""The one caching scheme every app uses: stamps, bumps, missing versions, a cache that is down."""

import time

from django.core.cache import cache

from core import versioned_cache
from core.signals import cache_recovered
from core.versioned_cache import Namespace

GLOBAL = Namespace("test:version")


def user(user_id: int) -> Namespace:
    return Namespace(f"test_user_{user_id}_version")


def test_an_entry_is_served_for_the_stamp_it_was_stored_under():
    snapshot = versioned_cache.read([GLOBAL], ["test:entry"])
    snapshot.store("test:entry", {"a": 1}, timeout=60)

    assert versioned_cache.read([GLOBAL], ["test:entry"]).entry("test:entry") == {"a": 1}


def test_a_bump_makes_every_entry_of_the_namespace_a_miss():
    snapshot = versioned_cache.read([GLOBAL], ["test:a", "test:b"])
    snapshot.store("test:a", 1, timeout=60)
    snapshot.store("test:b", 2, timeout=60)

    GLOBAL.bump()

    after = versioned_cache.read([GLOBAL], ["test:a", "test:b"])
    assert (after.entry("test:a"), after.entry("test:b")) == (None, None)
    assert after.stamp[-1] == snapshot.stamp[-1] + 1


def test_data_read_before_a_bump_and_stored_after_it_is_never_served():
    slow = versioned_cache.read([GLOBAL], ["test:entry"])  # a request reads the version...
    GLOBAL.bump()  # ... a change commits ...
    slow.store("test:entry", "stale", timeout=60)  # ... and the request stores what it read

    assert versioned_cache.read([GLOBAL], ["test:entry"]).entry("test:entry") is None


def test_a_missing_version_starts_time_based():
    before = time.time_ns()

    snapshot = versioned_cache.read([GLOBAL])

    assert snapshot.stamp[-1] >= before
    assert cache.get(GLOBAL.version_key) == snapshot.stamp[-1]


def test_a_lost_version_never_revives_old_entries():
    old = versioned_cache.read([GLOBAL], ["test:entry"])
    old.store("test:entry", "old", timeout=60)

    cache.delete(GLOBAL.version_key)  # evicted
    GLOBAL.bump()  # nothing to bump: the next reader starts a new version

    assert versioned_cache.read([GLOBAL], ["test:entry"]).entry("test:entry") is None


def test_several_namespaces_stamp_one_entry_and_each_invalidates_it():
    namespaces = [user(1), GLOBAL]
    versioned_cache.read(namespaces, ["test:page"]).store("test:page", "page", timeout=60)

    user(2).bump()  # another user's change
    assert versioned_cache.read(namespaces, ["test:page"]).entry("test:page") == "page"

    user(1).bump()
    assert versioned_cache.read(namespaces, ["test:page"]).entry("test:page") is None


def test_extended_stamps_hold_versions_kept_elsewhere():
    versioned_cache.read([GLOBAL], ["test:k"]).extended(7).store("test:k", "built", timeout=60)

    now = versioned_cache.read([GLOBAL], ["test:k"])
    assert now.extended(7).entry("test:k") == "built"
    assert now.extended(8).entry("test:k") is None  # another build
    assert now.entry("test:k") is None


def test_the_other_keys_read_are_returned_raw():
    cache.set("test:raw", 42)

    assert versioned_cache.read([GLOBAL], ["test:raw"]).found == {"test:raw": 42}


def test_cached_computes_once_per_version():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = versioned_cache.cached([GLOBAL], "test:c", compute, timeout=60)
    second = versioned_cache.cached([GLOBAL], "test:c", compute, timeout=60)
    GLOBAL.bump()
    third = versioned_cache.cached([GLOBAL], "test:c", compute, timeout=60)

    assert (first, second, third) == (1, 1, 2)


def test_bumping_several_namespaces_at_once():
    _, first, second = versioned_cache.read([user(1), user(2)]).stamp

    versioned_cache.bump(user(1), user(2))

    assert versioned_cache.read([user(1), user(2)]).stamp[1:] == (first + 1, second + 1)


def test_a_cache_that_recovers_after_losing_writes_invalidates_every_entry():
    versioned_cache.read([GLOBAL], ["test:a"]).store("test:a", "a", timeout=60)
    versioned_cache.read([user(1)], ["test:b"]).store("test:b", "b", timeout=60)

    cache_recovered.send(sender=None)

    assert versioned_cache.read([GLOBAL], ["test:a"]).entry("test:a") is None
    assert versioned_cache.read([user(1)], ["test:b"]).entry("test:b") is None


def test_with_the_cache_down_nothing_is_served_or_stored(cache_down):
    snapshot = versioned_cache.read([GLOBAL], ["test:entry"])
    snapshot.store("test:entry", "data", timeout=60)
    GLOBAL.bump()  # no error either

    assert snapshot.stamp is None
    assert snapshot.entry("test:entry") is None
    assert versioned_cache.cached([GLOBAL], "test:entry", lambda: "computed", timeout=60) == (
        "computed"
    )
