import logging
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# Where this process counts while the shared throttle cache is unreachable.
LOCAL_FALLBACK = LocMemCache("throttle-fallback", {})


class ScopedSettingsRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle with two changes:

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
