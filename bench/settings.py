"""Benchmark settings: the test settings (DEBUG off, fast hashing, TMDB unconfigured) on the
PostgreSQL/Redis named by ``DATABASE_URL``/``REDIS_URL``, which ``bench.common`` sets first."""

import warnings

from config.settings.test import *  # noqa: F403
from config.settings.test import REST_FRAMEWORK

DEBUG = False
# Django's test client sends Host: testserver.
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The write throttle still runs (its cache round trips are part of the cost) but never trips.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "favorites_write": "1000000/min",
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# whitenoise warns on every start that collectstatic has not run; the API needs no static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
