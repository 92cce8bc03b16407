"""Celery's real machinery end to end: a request queues a task on commit, the broker (Redis in
CI, the filesystem transport of `make run` otherwise) carries it, a real worker runs it, and its
effect shows; a task that fails is kept for the operator. Also: every periodic job beat sends is
a registered task."""

import time

from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django_celery_results.models import TaskResult

from accounts import emails, tasks
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


def test_a_failed_task_is_kept_with_its_traceback_for_the_admin(celery_worker, monkeypatch):
    """Tasks keep no result when they succeed, but a failure is stored (django-celery-results,
    the admin's "Task results"), its traceback with it: what the operator sees of it."""
    user = UserFactory()

    def refused(**kwargs):
        raise RuntimeError("the relay refused it")

    monkeypatch.setattr(emails, "send_email_verification", refused)
    queued = tasks.email_verification_email.delay(user.pk)

    wait_for(lambda: TaskResult.objects.filter(task_id=queued.id).exists())
    stored = TaskResult.objects.get(task_id=queued.id)
    assert (stored.task_name, stored.status) == (
        "accounts.tasks.email_verification_email",
        "FAILURE",
    )
    assert "RuntimeError: the relay refused it" in stored.traceback
    assert admin.site.is_registered(TaskResult)
