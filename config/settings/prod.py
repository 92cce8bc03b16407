"""Production: refuses to start with unsafe values."""

import math
from collections import Counter

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import CELERY_BROKER_URL, JOB_LOCKS, REDIS_URL, REST_FRAMEWORK, SIMPLE_JWT, env

# Words of the placeholders published in this repository (base.py's development key) and in
# tutorials: never in a production secret.
PLACEHOLDERS = ("changeme", "change-me", "change_me", "secret", "insecure", "your-", "example")
# Keys this repository has published (the Dockerfile's build-time key until 2.0.0).
PUBLISHED = frozenset({"build-only-collectstatic-key-not-used-at-run-time-0123456789"})


def strong_secret(name: str, value: str) -> str:
    """``value`` if it can sign tokens and sessions: 50+ characters, about 128 bits of entropy or
    more by character frequency (50 x "a" has none), and no placeholder."""
    counts = Counter(value)
    bits = -sum(n * math.log2(n / len(value)) for n in counts.values()) if value else 0.0
    lowered = value.lower()
    if (
        len(value) < 50
        or bits < 128
        or value in PUBLISHED
        or any(w in lowered for w in PLACEHOLDERS)
    ):
        raise ImproperlyConfigured(
            f"{name} must be a random value of 50+ characters, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
    return value


SECRET_KEY = strong_secret("DJANGO_SECRET_KEY", env("DJANGO_SECRET_KEY"))  # no default
SIMPLE_JWT = {
    **SIMPLE_JWT,
    "SIGNING_KEY": strong_secret("JWT_SIGNING_KEY", env("JWT_SIGNING_KEY", default=SECRET_KEY)),
}
# Required, 0 included: how many proxies in front set X-Forwarded-For (docker compose: nginx, 1).
# Too few and every client shares the proxy's throttle bucket; too many and X-Forwarded-For can
# be forged to dodge the throttles.
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES")}
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the served host names.")
if not REDIS_URL:
    # Local memory is per process: each worker would keep its own cached pages, users and
    # throttle counts, and invalidations would reach only one of them.
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production (the cache every worker shares)."
    )
if CELERY_BROKER_URL.startswith(("filesystem:", "memory:")):
    # `make run`'s folder of files (or a process's memory): the API and the Celery workers, in
    # containers or on machines of their own, would not share it, and what a request queues (its
    # e-mails, a movie's details) would never run.
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be a broker the API and the workers share in production "
        "(Redis: REDIS_URL's by default, or RabbitMQ)."
    )
if not JOB_LOCKS["REDIS_URL"]:
    # File locks hold on one machine (one container's folder): beat and the workers of other
    # containers would run the same job at once.
    raise ImproperlyConfigured(
        "JOB_LOCK_REDIS_URL must not be empty in production (it defaults to REDIS_URL): the "
        "jobs' locks must be shared by every worker."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The probes and Prometheus reach gunicorn over plain HTTP, past nginx.
SECURE_REDIRECT_EXEMPT = [r"^api/health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
