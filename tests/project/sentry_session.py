"""Run by test_sentry.py as a script, in a process of its own, with SENTRY_DSN in its
environment: the settings start Sentry as they do in production. A user registers, logs in,
reads their account with the token and a refresh cookie, then changes their e-mail address in
a request that fails with the address in the exception's message (as a database's unique
violation quotes it). What the test needs (the values used, the tokens, the failed request's
id) is written as JSON to the file named by the first argument; the logs go to stderr."""

import json
import sys
from unittest import mock

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def main(out: str) -> None:
    import sentry_sdk

    call_command("migrate", verbosity=0)
    password, new_email = "S3ntry-Pa55word!", "changed.address@example.org"
    account = {"username": "reported", "email": "reported@example.com", "password": password}
    client = APIClient(raise_request_exception=False)
    assert client.post("/api/register/", account, format="json").status_code == 201
    login = {"username": "reported", "password": password}
    tokens = client.post("/api/token/", login, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    client.cookies["refresh_token"] = tokens["refresh"]
    assert client.get("/api/me/").status_code == 200

    def failing(**kwargs: str) -> None:
        raise RuntimeError(f"Key (email)=({kwargs['email']}) already exists")

    with mock.patch("accounts.services.user_email_change", failing):
        failed = client.patch("/api/me/", {"email": new_email, "password": password}, format="json")
    sentry_sdk.flush(timeout=10)
    result = {
        "status": failed.status_code,
        "request_id": failed["X-Request-ID"],
        "secrets": [password, account["email"], new_email, tokens["access"], tokens["refresh"]],
    }
    with open(out, "w") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main(sys.argv[1])
