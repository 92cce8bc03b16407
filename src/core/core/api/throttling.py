import logging
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# Where this process counts while the shared throttle cache is unreachable.
LOCAL_FALLBACK = LocMemCache("throttle-fallback", {})


class _SharedCounts(SimpleRateThrottle):
    """DRF's throttles with two changes:

    - the rates are read on each request (not once at import), so a changed
      ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']`` takes effect and tests can set it;
    - counts live in the ``throttle`` cache (Redis when configured, so they hold across gunicorn
      workers; the ``default`` cache when no ``throttle`` alias is configured); if it fails,
      this process counts in its local memory instead of letting every request through, so
      limits still hold per worker while Redis is down.
    """

    # A property where DRF has a class attribute: a deliberate override.
    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]  # see above
        # The stubs type the rates as numbers; DRF's are "<n>/<period>" strings.
        return cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        self.cache = caches["throttle" if "throttle" in settings.CACHES else "default"]
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            logger.warning("throttle cache unavailable, counting locally: %s", exc)
            self.cache = LOCAL_FALLBACK
            return super().allow_request(request, view)


class ScopedSettingsRateThrottle(_SharedCounts, ScopedRateThrottle):
    """The view's ``throttle_scope`` (login, refresh, register, writes), per client."""


class AnonymousRateThrottle(_SharedCounts, AnonRateThrottle):
    """Anonymous clients, per address, at the generous ``anon`` rate: see ``throttle_uncached``."""


def throttle_uncached(view: "APIView", request: "Request") -> None:
    """Count an anonymous read the cache did not answer, and refuse it (429) past the ``anon``
    rate: browsing is never limited, and a cached read costs no count, but uncached deep or
    search pages cannot be used to exhaust the workers. Views call it where they compute."""
    throttle = AnonymousRateThrottle()
    if not throttle.allow_request(request, view):
        view.throttled(request, throttle.wait())  # type: ignore[arg-type]  # None: no Retry-After
