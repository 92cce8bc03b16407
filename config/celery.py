"""The Celery app: background work (e-mails, TMDB fetches) and the periodic jobs beat sends.

Tasks are ``@shared_task`` functions in each app's ``tasks`` module, found by
``autodiscover_tasks``; settings are the ``CELERY_*`` names of the Django settings (the broker,
the schedule: config/settings/base.py). Started as ``celery -A config worker`` and ``celery -A
config beat`` (docker compose's ``worker`` and ``beat``; ``make run`` starts a worker with an
embedded beat beside the development server).
"""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("movie_recommendation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks under the id of the request that queued them, logged and counted (core.task_signals).
import core.task_signals  # noqa: E402, F401


@beat_init.connect
def _jobs_at_start(sender: object, **kwargs: object) -> None:
    """The jobs beat also sends as it starts (``CELERY_BEAT_AT_START``): a new stack fills its
    catalog now rather than at the first tick of the schedule."""
    from django.conf import settings

    for name in getattr(settings, "CELERY_BEAT_AT_START", []):
        app.send_task(name)
