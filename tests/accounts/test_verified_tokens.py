"""Access tokens verified once per process while unexpired (``accounts.verified_tokens``):
the signature is checked once, and nothing else about a request's authentication changes."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import AccessToken

from accounts import verified_tokens
from accounts.tokens import SessionRefreshToken

ME = reverse("accounts:me")

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifications(monkeypatch) -> list[bytes]:
    """The raw tokens simplejwt verified (its signature and claim checks)."""
    verified: list[bytes] = []
    real = JWTAuthentication.get_validated_token

    def recording(self, raw_token):
        verified.append(raw_token)
        return real(self, raw_token)

    monkeypatch.setattr(JWTAuthentication, "get_validated_token", recording)
    verified_tokens.clear()
    return verified


def _client(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _access(user, lifetime: timedelta | None = None) -> AccessToken:
    token = SessionRefreshToken.for_user(user).access_token
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    return token


def test_a_token_is_verified_once(user, verifications):
    client = _client(_access(user))

    answers = [client.get(ME).status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert len(verifications) == 1


def test_a_token_expires_from_the_cache_when_simplejwt_would_refuse_it(user, verifications):
    client = _client(_access(user, lifetime=timedelta(seconds=1)))
    assert client.get(ME).status_code == 200

    time.sleep(1.1)
    expired = client.get(ME)

    assert expired.status_code == 401
    assert expired.json() == {"detail": "Given token not valid for any token type"}
    assert len(verifications) == 2  # verified again, and refused


def test_only_the_exact_bytes_are_found(user, verifications):
    token = str(_access(user))
    assert _client(token).get(ME).status_code == 200

    forged = _client(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")).get(ME)

    assert forged.status_code == 401
    assert len(verifications) == 2


def test_a_cached_token_of_a_revoked_user_is_refused(
    user, verifications, django_capture_on_commit_callbacks
):
    client = _client(_access(user))
    assert client.get(ME).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # the user's cache entry bumped
        user.token_version += 1  # what a password change, a logout everywhere or a reuse does
        user.save()
    revoked = client.get(ME)

    assert revoked.status_code == 401
    assert len(verifications) == 1  # the token itself is still the one verified


def test_each_request_gets_its_own_claims(user, verifications):
    raw = str(_access(user)).encode()
    verify = JWTAuthentication().get_validated_token

    first = verified_tokens.validated(raw, verify)
    first["user_id"] = "someone else"
    second = verified_tokens.validated(raw, verify)

    assert str(second["user_id"]) == str(user.pk)
    assert len(verifications) == 1


def test_the_cache_is_bounded_and_can_be_turned_off(user, verifications, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "VERIFIED_TOKEN_CACHE_SIZE": 2}
    clients = [_client(_access(user)) for _ in range(3)]
    for client in [*clients, clients[0]]:  # the first is the least recently used
        assert client.get(ME).status_code == 200
    assert len(verifications) == 4

    settings.ACCOUNTS = {**settings.ACCOUNTS, "VERIFIED_TOKEN_CACHE_SIZE": 0}
    for _ in range(2):
        assert clients[1].get(ME).status_code == 200

    assert len(verifications) == 6
