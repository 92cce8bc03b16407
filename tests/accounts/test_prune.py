"""The daily prune (accounts.tasks.prune_expired, manage.py prune_accounts): expired refresh
tokens and old login records go, current ones stay."""

import datetime
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import tasks

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

    if run == "task":
        summary = tasks.prune_expired.delay().get()
    else:
        out = StringIO()
        call_command("prune_accounts", stdout=out)
        summary = out.getvalue().strip()

    assert summary == "1 expired refresh tokens, 3 old login records deleted"
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["current"]
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 1
    assert AccessAttempt.objects.count() == 1  # the one within its cool-off
