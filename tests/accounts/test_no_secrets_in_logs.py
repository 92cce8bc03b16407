"""Passwords and tokens never reach the logs, whatever the outcome."""

import logging

import pytest
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "Very-secret-Passw0rd!"


def test_register_login_refresh_and_failures_log_no_secret(api_client, user, caplog):
    caplog.set_level(logging.DEBUG)
    api_client.post(
        reverse("accounts:register"),
        {"username": "newbie", "email": "newbie@example.com", "password": SECRET},
        format="json",
    )
    api_client.post(
        reverse("accounts:register"), {"username": "x", "password": SECRET}, format="json"
    )
    api_client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": SECRET},
        format="json",
    )
    tokens = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    ).json()
    api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}, format="json"
    )
    api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}, format="json"
    )

    logged = caplog.text
    assert caplog.records  # the failures above were logged...
    for secret in (SECRET, DEFAULT_PASSWORD, tokens["access"], tokens["refresh"]):
        assert secret not in logged  # ...without any secret
