"""E-mail verification: registration mails a link, POST /api/verify-email/ confirms the
address once; a used, outdated (address changed) or expired link fails; logging in may require
a verified address (ACCOUNTS['LOGIN_REQUIRES_VERIFIED_EMAIL'])."""

import datetime

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.emails import uid_for
from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mail import link_params
from tests.conftest import client_for

# Real commits: the e-mails are queued on commit (and run at once: CELERY_TASK_ALWAYS_EAGER).
pytestmark = pytest.mark.django_db(transaction=True)

REGISTER = reverse("accounts:register")
VERIFY = reverse("accounts:verify-email")
LOGIN = reverse("accounts:token-obtain")
GOOD = {"username": "newcomer", "email": "newcomer@example.com", "password": "s3cret-Pass!word"}
INVALID_LINK = {"token": ["The link is invalid, expired or already used."]}


def register(api_client) -> dict[str, str]:
    response = api_client.post(REGISTER, GOOD, format="json")
    assert response.status_code == 201, response.json()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [GOOD["email"]]
    assert message.subject == "Confirm your e-mail address"
    assert "http://localhost:5173/verify-email?uid=" in message.body
    return link_params(message)


def login(api_client):
    return api_client.post(
        LOGIN, {"username": GOOD["username"], "password": GOOD["password"]}, format="json"
    )


def test_registration_mails_a_link_that_verifies_the_address(api_client):
    params = register(api_client)
    assert User.objects.get().email_verified_at is None

    response = api_client.post(VERIFY, params, format="json")

    user = User.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "newcomer",
        "email": "newcomer@example.com",
        "favorite_movies": [],
    }
    assert user.email_verified_at is not None


def test_a_link_works_once(api_client):
    params = register(api_client)
    api_client.post(VERIFY, params, format="json")

    again = api_client.post(VERIFY, params, format="json")

    assert (again.status_code, again.json()) == (400, INVALID_LINK)


def test_a_link_to_a_former_address_fails(api_client):
    params = register(api_client)
    User.objects.update(email="elsewhere@example.com")

    response = api_client.post(VERIFY, params, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)
    assert User.objects.get().email_verified_at is None


def test_an_expired_link_fails(api_client, settings, monkeypatch):
    params = register(api_client)
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 1
    )
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = api_client.post(VERIFY, params, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


def test_a_password_reset_token_does_not_verify(api_client):
    register(api_client)
    user = User.objects.get()
    reset = {"uid": uid_for(user), "token": default_token_generator.make_token(user)}

    response = api_client.post(VERIFY, reset, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


@pytest.mark.parametrize("params", [{"uid": "MQ", "token": "x-y"}, {"uid": "%%", "token": "x"}])
def test_a_forged_link_fails(api_client, params):
    register(api_client)

    response = api_client.post(VERIFY, params, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


def test_an_unverified_account_logs_in_by_default(api_client):
    register(api_client)

    assert login(api_client).status_code == 200


def test_login_may_require_a_verified_address(api_client, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "LOGIN_REQUIRES_VERIFIED_EMAIL": True}
    params = register(api_client)

    refused = login(api_client)
    api_client.post(VERIFY, params, format="json")
    accepted = login(api_client)

    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": "Verify your e-mail address first: follow the link we sent you."},
    )
    assert accepted.status_code == 200


def test_a_failing_mail_server_does_not_fail_the_registration(api_client, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_password_reset.BrokenBackend"

    response = api_client.post(REGISTER, GOOD, format="json")

    assert response.status_code == 201
    assert User.objects.filter(username="newcomer").exists()


ME = reverse("accounts:me")
RESEND = reverse("accounts:verify-email-resend")


def test_a_new_link_on_request_and_none_once_verified(api_client, user):
    client = client_for(user)

    sent = client.post(RESEND)
    params = link_params(mail.outbox[0])
    api_client.post(VERIFY, params, format="json")
    again = client.post(RESEND)

    assert (sent.status_code, sent.json()) == (
        202,
        {"detail": "A new link to verify your address is on its way."},
    )
    assert mail.outbox[0].to == [user.email]
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "Your e-mail address is already verified."},
    )
    assert len(mail.outbox) == 1
    assert api_client.post(RESEND).status_code == 401


def test_changing_the_address_sends_a_link_to_the_new_one(api_client, user):
    user.email_verified_at = timezone.now()
    user.save()
    client = client_for(user)

    response = client.patch(
        ME, {"email": "moved@example.com", "password": DEFAULT_PASSWORD}, format="json"
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["email"] == "moved@example.com"
    assert (user.email, user.email_verified_at) == ("moved@example.com", None)
    assert mail.outbox[-1].to == ["moved@example.com"]
    assert api_client.post(VERIFY, link_params(mail.outbox[-1]), format="json").status_code == 200


def test_a_link_sent_before_a_change_of_address_fails(api_client, user):
    client = client_for(user)
    client.post(RESEND)
    old_link = link_params(mail.outbox[0])

    client.patch(ME, {"email": "moved@example.com", "password": DEFAULT_PASSWORD}, format="json")
    response = api_client.post(VERIFY, old_link, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


def test_changing_the_address_needs_the_password_and_a_free_address(user):
    UserFactory(email="Taken@Example.com")
    client = client_for(user)

    wrong = client.patch(ME, {"email": "new@example.com", "password": "nope"}, format="json")
    taken = client.patch(
        ME, {"email": "taken@example.com", "password": DEFAULT_PASSWORD}, format="json"
    )
    invalid = client.patch(ME, {"email": "nope", "password": DEFAULT_PASSWORD}, format="json")

    assert (wrong.status_code, wrong.json()) == (
        400,
        {"password": ["Your password is not correct."]},
    )
    assert (taken.status_code, taken.json()) == (
        400,
        {"email": ["A user with that email address already exists."]},
    )
    assert (invalid.status_code, list(invalid.json())) == (400, ["email"])
    user.refresh_from_db()
    assert user.email != "new@example.com"
    assert mail.outbox == []


def test_a_link_to_an_address_changed_away_and_back_fails(api_client, user):
    client = client_for(user)
    first = user.email
    client.post(RESEND)
    old_link = link_params(mail.outbox[0])

    for email in ("moved@example.com", first):
        client.patch(ME, {"email": email, "password": DEFAULT_PASSWORD}, format="json")
    response = api_client.post(VERIFY, old_link, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)
    assert api_client.post(VERIFY, link_params(mail.outbox[-1]), format="json").status_code == 200
