"""Settings of the load benchmark's server: production settings (``config.settings.prod``,
which checks the secret key, DEBUG and ALLOWED_HOSTS given in the environment by
``bench.load.server``) with the few changes a loopback benchmark needs."""

import warnings

from config.settings.prod import *  # noqa: F403
from config.settings.prod import MIDDLEWARE, REST_FRAMEWORK, TMDB, env

# Plain HTTP on loopback: no redirect to HTTPS (HSTS is only sent on secure requests anyway).
SECURE_SSL_REDIRECT = False
# The ceiling endpoint lives beside the API's URLs, without touching config/urls.py.
ROOT_URLCONF = "bench.load.urls"
# Never call TMDB from a benchmark: a detail page shows what is stored.
TMDB = {**TMDB, "API_KEY": "", "READ_ACCESS_TOKEN": ""}
# Every throttle still runs (its Redis round trips are part of the cost) but never trips.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: "1000000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
# SQL statements per request in an X-Bench-Queries header (outermost, so it sees them all).
if env.bool("BENCH_COUNT_QUERIES", default=True):
    MIDDLEWARE = ["bench.load.middleware.QueryCountMiddleware", *MIDDLEWARE]
# Production's logging (one JSON access line per request, to the server's log file) and metrics:
# part of what a request costs. ACCESS_LOG=false measures without the access line.

# whitenoise warns on every start that collectstatic has not run; the API needs no static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
