"""Benchmark settings: the test settings (DEBUG off, TMDB unconfigured) with the bench app
installed, on the PostgreSQL/Redis named by ``DATABASE_URL``/``REDIS_URL`` (``bench.common``
sets them for the in-process benchmarks). Also the settings of ``manage.py seed_benchmark``:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://... \
        python manage.py seed_benchmark --noinput
"""

import warnings

from config.settings import base
from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS, REST_FRAMEWORK

DEBUG = False
# Only here: `manage.py seed_benchmark` exists under these settings, never under config.settings.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Production's hashers, not the tests' MD5: seed_benchmark's users log in at production's cost.
PASSWORD_HASHERS = base.PASSWORD_HASHERS
# Django's test client sends Host: testserver.
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The write throttle still runs (its cache round trips are part of the cost) but never trips.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "favorites_write": "1000000/min",
        "anon": "1000000/min",
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
