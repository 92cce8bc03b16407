"""Tests: the embedded defaults, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set."""

import tempfile

from .base import *

DEBUG = False
# Hashing speed matters in tests; tests/accounts checks that base uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's outbox, also in servers the tests start outside pytest (pytest-django sets it itself).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TMDB = {**TMDB, "API_KEY": "", "READ_ACCESS_TOKEN": "", "BASE_URL": "http://127.0.0.1:9/3"}
# Tasks run in the process that queues them, once the transaction commits (core.jobs'
# delay_on_commit): tests see their effect at once. The tests of the worker itself
# (tests/project/test_celery_worker.py) run a real one against a real broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The jobs' file locks of this run only (not those of a `make run` beside it).
JOB_LOCKS = {**JOB_LOCKS, "DIRECTORY": tempfile.mkdtemp(prefix="job-locks-")}
