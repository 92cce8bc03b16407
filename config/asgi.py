import os

from django.core.asgi import get_asgi_application

from core import postgres

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()

# A hung PostgreSQL costs a request DATABASE_TIMEOUT seconds at most, then fails fast.
postgres.bound_waits()
