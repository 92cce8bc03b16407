"""Password reset by e-mail, end to end through the API and the locmem outbox: the link sets a
new password once, revokes every token, and the request tells nobody which addresses exist."""

import datetime

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.mail import link_params
from tests.conftest import client_for

# Real commits: the e-mails are queued on commit (and run at once: CELERY_TASK_ALWAYS_EAGER).
pytestmark = pytest.mark.django_db(transaction=True)

REQUEST = reverse("accounts:password-reset")
CONFIRM = reverse("accounts:password-reset-confirm")
LOGIN = reverse("accounts:token-obtain")
ACCEPTED = {"detail": "If an account has this address, a link to reset its password is on its way."}
INVALID_LINK = {"token": ["The link is invalid, expired or already used."]}
NEW_PASSWORD = "brand-New-secret-42"


def request_reset(api_client, email: str):
    return api_client.post(REQUEST, {"email": email}, format="json")


def login(api_client, user, password: str):
    return api_client.post(LOGIN, {"username": user.username, "password": password}, format="json")


def test_the_emailed_link_sets_a_new_password(api_client, user):
    response = request_reset(api_client, user.email.upper())  # any case of the address

    assert (response.status_code, response.json()) == (202, ACCEPTED)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your password"
    params = link_params(message)
    assert message.body.count("http://localhost:5173/reset-password?uid=") == 1

    confirmed = api_client.post(CONFIRM, {**params, "new_password": NEW_PASSWORD}, format="json")

    assert confirmed.status_code == 204
    assert login(api_client, user, NEW_PASSWORD).status_code == 200
    assert login(api_client, user, DEFAULT_PASSWORD).status_code == 400


def test_the_link_follows_the_configured_front_end_url(api_client, user, settings):
    settings.ACCOUNTS = {
        **settings.ACCOUNTS,
        "PASSWORD_RESET_URL": "https://app.example.com/reset/{uid}/{token}/?next=x",
    }

    request_reset(api_client, user.email)

    assert "https://app.example.com/reset/" in mail.outbox[0].body


def test_a_reset_revokes_every_token(api_client, user):
    old = client_for(user)
    assert old.get(reverse("accounts:me")).status_code == 200
    request_reset(api_client, user.email)

    api_client.post(
        CONFIRM, {**link_params(mail.outbox[0]), "new_password": NEW_PASSWORD}, format="json"
    )

    assert old.get(reverse("accounts:me")).status_code == 401


def test_a_link_works_once(api_client, user):
    request_reset(api_client, user.email)
    params = link_params(mail.outbox[0])
    first = api_client.post(CONFIRM, {**params, "new_password": NEW_PASSWORD}, format="json")

    again = api_client.post(
        CONFIRM, {**params, "new_password": "yet-Another-secret-7"}, format="json"
    )

    assert first.status_code == 204
    assert (again.status_code, again.json()) == (400, INVALID_LINK)
    assert login(api_client, user, NEW_PASSWORD).status_code == 200


def test_an_expired_link_fails(api_client, user, settings, monkeypatch):
    request_reset(api_client, user.email)
    params = link_params(mail.outbox[0])

    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 1
    )
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = api_client.post(CONFIRM, {**params, "new_password": NEW_PASSWORD}, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


@pytest.mark.parametrize(
    "params",
    [
        {"uid": "MQ", "token": "cf3yvd-0123456789abcdef"},
        {"uid": "not base64!", "token": "x"},
        {"uid": "OTk5OTk5OQ", "token": "x"},  # a user that does not exist
    ],
)
def test_a_forged_link_fails(api_client, user, params):
    response = api_client.post(CONFIRM, {**params, "new_password": NEW_PASSWORD}, format="json")

    assert (response.status_code, response.json()) == (400, INVALID_LINK)


def test_a_link_for_one_user_does_not_reset_another(api_client, user):
    other = UserFactory()
    request_reset(api_client, user.email)
    params = link_params(mail.outbox[0])
    other_uid = link_params_for(api_client, other)["uid"]

    response = api_client.post(
        CONFIRM,
        {"uid": other_uid, "token": params["token"], "new_password": NEW_PASSWORD},
        format="json",
    )

    assert (response.status_code, response.json()) == (400, INVALID_LINK)
    assert login(api_client, other, DEFAULT_PASSWORD).status_code == 200


def link_params_for(api_client, user) -> dict[str, str]:
    mail.outbox.clear()
    request_reset(api_client, user.email)
    return link_params(mail.outbox[0])


def test_the_new_password_meets_the_password_rules(api_client, user):
    request_reset(api_client, user.email)
    params = link_params(mail.outbox[0])

    weak = api_client.post(CONFIRM, {**params, "new_password": "short"}, format="json")
    missing = api_client.post(CONFIRM, {}, format="json")

    assert weak.status_code == 400
    assert list(weak.json()) == ["new_password"]
    assert missing.status_code == 400
    assert set(missing.json()) == {"uid", "token", "new_password"}
    # The link still works after a refused password.
    ok = api_client.post(CONFIRM, {**params, "new_password": NEW_PASSWORD}, format="json")
    assert ok.status_code == 204


def test_an_unknown_address_gets_the_same_answer_and_no_mail(api_client, user):
    known = request_reset(api_client, user.email)
    mail.outbox.clear()

    unknown = request_reset(api_client, "nobody@example.com")

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert mail.outbox == []


def test_an_inactive_account_gets_no_mail(api_client):
    inactive = UserFactory(is_active=False)

    response = request_reset(api_client, inactive.email)

    assert (response.status_code, response.json()) == (202, ACCEPTED)
    assert mail.outbox == []


def test_an_invalid_address_is_a_field_error(api_client):
    response = request_reset(api_client, "not-an-address")

    assert (response.status_code, response.json()) == (
        400,
        {"email": ["Enter a valid email address."]},
    )


def test_an_address_gets_three_mails_an_hour_silently(api_client, user, throttle_rates):
    throttle_rates(password_reset="100/min")
    answers = [
        request_reset(api_client, variant)
        for variant in [user.email, user.email.upper(), f" {user.email} ", user.email, user.email]
    ]

    assert {(a.status_code, a.json()["detail"]) for a in answers} == {(202, ACCEPTED["detail"])}
    assert len(mail.outbox) == 3
    assert request_reset(api_client, "other@example.com").status_code == 202  # its own count


def test_requests_are_throttled_per_client(api_client, user, throttle_rates):
    throttle_rates(password_reset="2/min")

    answers = [request_reset(api_client, f"someone{n}@example.com").status_code for n in range(3)]
    confirm = api_client.post(CONFIRM, {"uid": "MQ", "token": "x", "new_password": "x"})

    assert answers == [202, 202, 429]
    assert confirm.status_code == 429


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_failing_mail_server_changes_no_answer(api_client, user, settings, caplog):
    """(Eager tasks retry at once: the worker's backoff is tests/accounts/test_smtp_outage.py's.)"""
    settings.EMAIL_BACKEND = "tests.accounts.test_password_reset.BrokenBackend"

    known = request_reset(api_client, user.email)
    unknown = request_reset(api_client, "nobody@example.com")

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    assert "password_reset_email" in caplog.text
    assert "ConnectionRefusedError: no mail server" in caplog.text  # the traceback, logged
    assert "token=" not in caplog.text


@pytest.mark.django_db
def test_a_known_and_an_unknown_address_make_the_same_work(
    api_client, user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """What the request does, not how long it takes: the same queries (none) and the same one
    task queued on commit, with the address as its only argument, for both."""

    def work(email: str) -> list[tuple]:
        with django_assert_num_queries(0), django_capture_on_commit_callbacks() as queued:
            assert request_reset(api_client, email).status_code == 202
        return [c.__qualname__ for c in queued]

    known, unknown = work(user.email), work("nobody@example.com")

    assert known == unknown == ["queue accounts.tasks.password_reset_email"]
    assert mail.outbox == []  # queued, not sent: the request sends nothing
