"""Celery's real machinery end to end: a request queues a task on commit, the broker (Redis in
CI, the filesystem transport of `make run` otherwise) carries it, a real worker runs it, and its
effect shows. Also: every periodic job beat sends is a registered task."""

import time

from django.conf import settings
from django.core import mail
from django.urls import reverse

from config.celery import app
from tests.accounts.factories import UserFactory


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not run the task"
        time.sleep(0.05)


def test_a_task_queued_by_a_request_is_run_by_the_worker(api_client, celery_worker):
    user = UserFactory(email="reader@example.com")

    response = api_client.post(
        reverse("accounts:password-reset"), {"email": "READER@example.com"}, format="json"
    )

    assert response.status_code == 202
    wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [user.email]
    assert "reset" in mail.outbox[0].subject.lower()


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    names |= set(settings.CELERY_BEAT_AT_START)
    assert names - set(app.tasks) == set()
