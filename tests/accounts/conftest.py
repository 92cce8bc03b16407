import pytest


@pytest.fixture
def throttle_rates(settings):
    """Set DRF throttle rates for one test: ``throttle_rates(token="2/min")``."""

    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates
