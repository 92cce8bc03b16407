"""A mail relay that accepts connections and never answers: POST /api/password-reset/ answers
202 without touching it (the e-mail is queued on commit), and the worker (a real one, on a real
broker) sends the e-mail once the relay recovers, retrying with backoff meanwhile."""

import time

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.celery_worker import queued_tasks, running_worker
from tests.hung_server import HungServer

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def wait_for(condition, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def broker(tmp_path):
    with queued_tasks(tmp_path):
        yield


def test_a_hung_relay_delays_the_mail_not_the_answer(api_client, settings, broker):
    relay = HungServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", relay.port, 1
    user = UserFactory(email="reader@example.com")

    response = api_client.post(
        reverse("accounts:password-reset"), {"email": user.email}, format="json"
    )

    assert response.status_code == 202
    assert relay.accepted == []  # the request queued the e-mail: it never spoke to the relay

    inbox = Inbox()
    with running_worker():
        wait_for(lambda: relay.accepted, "the worker's first try")  # hangs, times out, retries
        relay.close()  # the relay recovers, on the same port
        controller = Controller(inbox, hostname="127.0.0.1", port=relay.port)
        controller.start()
        try:
            wait_for(lambda: inbox.messages, "the e-mail once the relay answers")
        finally:
            controller.stop()

    [(recipients, content)] = inbox.messages
    assert recipients == [user.email]
    assert b"reset" in content.lower()
