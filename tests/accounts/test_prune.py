"""The daily prune (accounts.tasks.prune_expired, manage.py prune_accounts): expired refresh
tokens, old login records and expired sessions go, current ones stay."""

import datetime
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import tasks
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def token(user, jti: str, expires_in: datetime.timedelta) -> OutstandingToken:
    now = timezone.now()
    return OutstandingToken.objects.create(
        user=user, jti=jti, token=jti, created_at=now, expires_at=now + expires_in
    )


def records(age: datetime.timedelta, username: str) -> None:
    when = timezone.now() - age
    common = {"ip_address": "192.0.2.1", "user_agent": "test", "username": username}
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)
    AccessAttempt.objects.create(**common, failures_since_start=1, get_data="", post_data="",
                                 http_accept="", path_info="/")  # fmt: skip
    for model in (AccessLog, AccessFailureLog, AccessAttempt):  # attempt_time: auto_now_add
        model.objects.filter(username=username).update(attempt_time=when)


@pytest.mark.parametrize("run", ["task", "command"])
def test_expired_tokens_and_old_login_records_go(user, run):
    token(user, "expired", -datetime.timedelta(minutes=1))
    token(user, "current", datetime.timedelta(days=1))
    records(datetime.timedelta(days=31), "old")
    records(datetime.timedelta(minutes=1), "recent")
    expired, current = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    current.create()

    if run == "task":
        summary = tasks.prune_expired.delay().get()
    else:
        out = StringIO()
        call_command("prune_accounts", stdout=out)
        summary = out.getvalue().strip()

    assert summary == (
        "1 expired refresh tokens, 3 old login records deleted; expired sessions cleared"
    )
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["current"]
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 1
    assert AccessAttempt.objects.count() == 1  # the one within its cool-off
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_a_login_opens_a_session_that_the_prune_clears_once_expired(api_client, user):
    """django-axes saves a session to record a login (a JWT login's too): the table grows by
    one row a login until the prune clears the expired ones."""
    login = {"username": user.username, "password": DEFAULT_PASSWORD}
    assert api_client.post("/api/token/", login, format="json").status_code == 200
    assert Session.objects.count() == 1
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    tasks.prune_expired.delay().get()

    assert Session.objects.count() == 0
