import logging
from typing import TYPE_CHECKING, Any, cast
from uuid import uuid4

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

from core.metrics import THROTTLED

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# Where this process counts while the shared throttle cache is unreachable.
LOCAL_FALLBACK = LocMemCache("throttle-fallback", {})


# DRF's sliding window (the times of the requests counted in the last ``duration`` seconds) as
# one atomic step in Redis: drop the times that left the window, count, add this one if under
# the limit; else the seconds until the oldest leaves. Redis's clock, shared by every worker.
SLIDING_WINDOW = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local duration = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('EXPIRE', KEYS[1], math.ceil(duration))
  return {1, '0'}
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return {0, tostring(duration - (now - oldest))}
"""


class _SharedCounts(SimpleRateThrottle):
    """DRF's throttles with three changes:

    - the rates are read on each request (not once at import), so a changed
      ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']`` takes effect and tests can set it;
    - counts live in the ``throttle`` cache (the ``default`` cache when no ``throttle`` alias
      is configured); in Redis (django-redis) a request is counted atomically, in one round
      trip (``SLIDING_WINDOW``): DRF reads the list of times and writes it back, so parallel
      requests on several workers each saw the same count and more got through than the rate;
    - if the cache fails, this process counts in its local memory (DRF's own way) instead of
      letting every request through, so limits still hold per worker while Redis is down.

    Listed after DRF's throttle class in a subclass's bases, so that what DRF's class sets up
    (``ScopedRateThrottle``: the view's scope and its rate) runs first.
    """

    redis_wait: float | None = None

    # A property where DRF has a class attribute: a deliberate override.
    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]  # see above
        # The stubs type the rates as numbers; DRF's are "<n>/<period>" strings.
        return cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        self.cache = caches["throttle" if "throttle" in settings.CACHES else "default"]
        try:
            redis = _redis_client(self.cache)
            if redis is not None and self.rate is not None:
                allowed = self._count_in_redis(redis, request, view)
            else:
                allowed = super().allow_request(request, view)
        except Exception as exc:
            logger.warning("throttle cache unavailable, counting locally: %s", exc)
            self.cache = LOCAL_FALLBACK
            self.redis_wait = None
            allowed = super().allow_request(request, view)
        if not allowed:
            THROTTLED.labels(self.scope).inc()  # throttled_requests_total
        return allowed

    def _count_in_redis(self, redis: Any, request: "Request", view: "APIView") -> bool:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        num_requests, duration = self.parse_rate(self.rate)
        key = self.cache.make_key(f"{self.key}:window")  # not DRF's key: a sorted set, no list
        script = redis.register_script(SLIDING_WINDOW)
        allowed, wait = script(keys=[key], args=[duration, num_requests, uuid4().hex])
        self.redis_wait = None if allowed else float(wait)
        return bool(allowed)

    def wait(self) -> float | None:
        return self.redis_wait if self.redis_wait is not None else super().wait()


def _redis_client(cache: Any) -> Any:
    """The redis-py client of a django-redis cache; None for any other cache."""
    client: Any = getattr(cache, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


class ScopedSettingsRateThrottle(ScopedRateThrottle, _SharedCounts):
    """The view's ``throttle_scope`` (login, refresh, register, writes), per client."""


class AnonymousRateThrottle(AnonRateThrottle, _SharedCounts):
    """Anonymous clients, per address, at the ``anon`` rate (authenticated ones: not counted)."""


class AccountRateThrottle(UserRateThrottle, _SharedCounts):
    """Authenticated clients, per account, at the ``user`` rate (anonymous ones: not counted)."""

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # DRF's would count them per address, at this rate
        return super().get_cache_key(request, view)


class UncachedReadThrottles:
    """For a view whose reads are mostly answered from the cache: the reads the cache does not
    answer (a search, a deep page, a cold recommendation) are counted by
    ``uncached_throttle_classes``, per address for anonymous clients and per account for
    authenticated ones, and refused (429, ``Retry-After``) past the rate. A cached read costs no
    count, so browsing is never limited, but uncached reads cannot exhaust the workers.

    The view passes ``check_uncached_throttles`` to the cached response it answers with
    (``core.api.http_cache.cached_json_response``, ``core.api.pagination.cached_page_response``,
    ``on_miss=``), which calls it right before computing a miss."""

    uncached_throttle_classes: "list[type[SimpleRateThrottle]]"  # declared by each view

    def check_uncached_throttles(self, request: "Request") -> None:
        """DRF's ``check_throttles`` with ``uncached_throttle_classes``: every throttle counts
        the request, and the longest wait of those that refuse it is the ``Retry-After``."""
        view = cast("APIView", self)
        throttles = [throttle_class() for throttle_class in self.uncached_throttle_classes]
        waits = [t.wait() for t in throttles if not t.allow_request(request, view)]
        if waits:
            wait = max((w for w in waits if w is not None), default=None)
            view.throttled(request, wait)  # type: ignore[arg-type]  # None: no Retry-After
