"""Leave and take your data: DELETE /api/me/ removes the account and what every app keeps of it
(through accounts.signals.user_deleting and cascades), GET /api/me/export/ gathers what the
apps wired in ACCOUNTS['EXPORTERS'] store. Only ever the authenticated user's own account."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import RotatedRefreshToken, User
from accounts.signals import user_deleting
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ME = reverse("accounts:me")
EXPORT = reverse("accounts:me-export")
LOGIN = reverse("accounts:token-obtain")
WRONG = {"password": ["Your password is not correct."]}

deleting: list[tuple[int, bool]] = []


@receiver(user_deleting, dispatch_uid="tests.accounts.user_deleting")
def _record_deleting(sender, user, **kwargs) -> None:
    deleting.append((user.pk, transaction.get_connection().in_atomic_block))


def export_stub(*, user):
    return {"things": [user.username.upper()]}


def failing_stub(*, user, **kwargs):
    raise RuntimeError("an app failing to remove its rows")


def login(api_client, user, password=DEFAULT_PASSWORD):
    return api_client.post(LOGIN, {"username": user.username, "password": password}, format="json")


def test_delete_removes_the_account_its_tokens_and_login_records(api_client):
    user = UserFactory(username="Leaving.User")
    tokens = login(api_client, user).json()
    login(api_client, user, "wrong-password")  # a failure on record too
    rotated = OutstandingToken.objects.filter(user=user).first()
    RotatedRefreshToken.objects.create(token=rotated)
    assert AccessLog.objects.filter(username="Leaving.User").exists()
    assert AccessAttempt.objects.filter(username="leaving.user").exists()
    client = client_for(user)
    deleting.clear()

    response = client.delete(ME, {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert not OutstandingToken.objects.exists()
    assert not RotatedRefreshToken.objects.exists()
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert deleting == [(user.pk, True)]  # sent inside the deleting transaction
    refresh = api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}, format="json"
    )
    assert refresh.status_code == 401
    assert login(api_client, user).status_code == 400


def test_delete_needs_the_right_password(user):
    client = client_for(user)

    wrong = client.delete(ME, {"password": "not-mine"}, format="json")
    missing = client.delete(ME, {}, format="json")

    assert (wrong.status_code, wrong.json()) == (400, WRONG)
    assert (missing.status_code, missing.json()) == (400, {"password": ["This field is required."]})
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_and_export_need_authentication(api_client, user):
    assert api_client.delete(ME, {"password": DEFAULT_PASSWORD}, format="json").status_code == 401
    assert api_client.get(EXPORT).status_code == 401
    assert User.objects.filter(pk=user.pk).exists()


def test_no_way_to_delete_or_export_another_account(user):
    other = UserFactory()
    client = client_for(user)

    # Only /me exists: an id in the path or the body is not a way to name another account.
    by_path = client.delete(f"/api/me/{other.pk}/", {"password": DEFAULT_PASSWORD}, format="json")
    by_body = client.get(EXPORT, {"id": other.pk})
    with_their_password = client.delete(
        ME, {"password": DEFAULT_PASSWORD, "id": other.pk}, format="json"
    )

    assert by_path.status_code == 404
    assert by_body.json()["account"]["id"] == user.pk
    assert with_their_password.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=other.pk).exists()


def test_a_failing_app_rolls_the_whole_deletion_back(user, settings):
    user_deleting.connect(failing_stub, dispatch_uid="tests.failing")
    try:
        with pytest.raises(RuntimeError):
            client_for(user).delete(ME, {"password": DEFAULT_PASSWORD}, format="json")
    finally:
        user_deleting.disconnect(dispatch_uid="tests.failing")

    assert User.objects.filter(pk=user.pk).exists()


def test_delete_is_throttled_like_a_login(user, throttle_rates):
    throttle_rates(token="2/min")
    client = client_for(user)

    answers = [
        client.delete(ME, {"password": "wrong"}, format="json").status_code for _ in range(3)
    ]

    assert answers == [400, 400, 429]
    assert client.get(ME).status_code == 200  # reading is not throttled


def test_export_holds_the_account_and_each_exporters_part(api_client, user, settings):
    settings.ACCOUNTS = {
        **settings.ACCOUNTS,
        "EXPORTERS": {"stub": "tests.accounts.test_account_data.export_stub"},
    }
    login(api_client, user)

    response = client_for(user).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = response.json()
    assert set(body) == {"account", "stub"}
    assert body["stub"] == {"things": [user.username.upper()]}
    account = body["account"]
    assert {k: account[k] for k in ("id", "username", "email", "email_verified_at")} == {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "email_verified_at": None,
    }
    assert account["last_login"] is not None
    assert len(account["sessions"]) == 2  # the login's and client_for's refresh tokens
    assert [login["ip_address"] for login in account["logins"]] == ["127.0.0.1"]
    assert "password" not in str(body)


def test_check_reports_an_exporter_that_cannot_be_imported(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.ACCOUNTS = {**settings.ACCOUNTS, "EXPORTERS": {"x": "nowhere.at_all"}}

    with pytest.raises(SystemCheckError, match=r"accounts\.E013"):
        call_command("check")


@pytest.mark.parametrize("url", [ME, EXPORT])
def test_the_account_and_its_export_are_never_stored_by_caches(auth_client, url):
    response = auth_client.get(url)

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
