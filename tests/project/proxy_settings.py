"""Settings of the gunicorn that tests/project/test_proxy.py puts behind nginx: production's
(``config.settings.prod``: its start-up checks, the HTTPS redirect, HSTS and
``SECURE_PROXY_SSL_HEADER``), with the environment the test gives (``DJANGO_NUM_PROXIES=1``, a
login throttle of a few a minute) and the few changes a loopback test needs."""

import warnings

from config.settings.prod import *  # noqa: F403
from config.settings.prod import TMDB, env

# Without a Redis for this run (REDIS_URL is then only a placeholder for prod's check): a cache
# that every worker shares, in files, so that throttles count across workers as in Redis.
if env("PROXY_TEST_CACHE_DIR", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("PROXY_TEST_CACHE_DIR"),
        }
    }
# The broker of the tests that start a worker beside gunicorn (test_observability_stack.py): the
# filesystem transport in the test's folder, whatever Redis is about.
if env("PROXY_TEST_BROKER_DIR", default=""):
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": env("PROXY_TEST_BROKER_DIR"),
        "data_folder_out": env("PROXY_TEST_BROKER_DIR"),
        "control_folder": env("PROXY_TEST_BROKER_DIR") + "-control",
        "store_processed": False,
    }
# Never call TMDB from a test.
TMDB = {**TMDB, "API_KEY": "", "READ_ACCESS_TOKEN": "", "BASE_URL": "http://127.0.0.1:9/3"}
# A failed login still hashes once (against timing attacks): cheaply here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# whitenoise warns on every start that collectstatic has not run; these tests need no static.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
