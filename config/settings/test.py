"""Tests: the embedded defaults, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set."""

from .base import *

DEBUG = False
# Hashing speed matters in tests; tests/accounts checks that base uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's outbox, also in servers the tests start outside pytest (pytest-django sets it itself).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TMDB = {**TMDB, "API_KEY": "", "READ_ACCESS_TOKEN": "", "BASE_URL": "http://127.0.0.1:9/3"}
