import gc
import os

from django.core.wsgi import get_wsgi_application

from core import postgres

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# A hung PostgreSQL costs a request DATABASE_TIMEOUT seconds at most, then fails fast.
postgres.bound_waits()

# The loaded app's objects live as long as the worker: keep them out of the garbage collector's
# full passes (measured 40-50 ms each under load; see bench/README.md).
gc.freeze()
