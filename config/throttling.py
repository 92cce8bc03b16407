from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class ScopedSettingsRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, reading the rates on each request instead of once at import,
    so a changed ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']`` takes effect (and tests can set it).
    Counts live in the default cache, so they hold across gunicorn workers when it is Redis."""

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]
        return api_settings.DEFAULT_THROTTLE_RATES
