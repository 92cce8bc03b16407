"""Tokens do not pile up: simplejwt's ``flushexpiredtokens`` (run daily: README's cron lines and
the compose ``jobs`` profile) deletes expired outstanding tokens, and with them their blacklist
entries and rotation records (both cascade from the outstanding token)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import RotatedRefreshToken
from accounts.tokens import SessionRefreshToken

pytestmark = pytest.mark.django_db


def issued(user, *, expired: bool) -> OutstandingToken:
    token = SessionRefreshToken.for_user(user)
    outstanding = OutstandingToken.objects.get(jti=token["jti"])
    if expired:
        outstanding.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        outstanding.save(update_fields=["expires_at"])
    return outstanding


def test_flush_deletes_expired_tokens_their_blacklist_and_rotation_rows(user):
    for expired in (True, False):
        blacklisted, rotated, _plain = (issued(user, expired=expired) for _ in range(3))
        BlacklistedToken.objects.create(token=blacklisted)
        RotatedRefreshToken.objects.create(token=rotated)
    assert OutstandingToken.objects.count() == 6

    call_command("flushexpiredtokens")

    assert OutstandingToken.objects.count() == 3
    assert not OutstandingToken.objects.filter(expires_at__lte=timezone.now()).exists()
    assert BlacklistedToken.objects.count() == 1
    assert RotatedRefreshToken.objects.count() == 1
