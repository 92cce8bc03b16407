"""What a token is worth over its life: refresh as the contract says, rotation as an option with
a grace period and reuse detection, and revocation by a password change, a deactivation or the
password endpoint."""

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import RotatedRefreshToken, User
from tests.accounts.factories import DEFAULT_PASSWORD

# Transactions commit: the user cache is invalidated on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

ME = reverse("accounts:me")
REFRESH = reverse("accounts:token-refresh")
LOGOUT = reverse("accounts:logout")
PASSWORD = reverse("accounts:password-change")
INVALID = {"detail": "Token is invalid or expired"}


def login(user, password: str = DEFAULT_PASSWORD) -> dict:
    response = APIClient().post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": password},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def me(access: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(ME)


@pytest.fixture
def rotation(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "ROTATE_REFRESH_TOKENS": True}


def test_without_rotation_one_refresh_token_serves_until_logout(user):
    tokens = login(user)

    answers = [refresh(tokens["refresh"]) for _ in range(3)]
    APIClient().post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    after_logout = refresh(tokens["refresh"])

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(list(a.json()) == ["access"] for a in answers)
    assert all(me(a.json()["access"]).status_code == 200 for a in answers)
    assert (after_logout.status_code, after_logout.json()) == (401, INVALID)


def test_rotation_is_on_by_default_in_cookie_mode_only(user, settings):
    assert "refresh" not in refresh(login(user)["refresh"]).json()

    settings.ACCOUNTS = {**settings.ACCOUNTS, "JWT_COOKIE_MODE": True}
    assert "refresh" in refresh(login(user)["refresh"]).json()

    settings.ACCOUNTS = {**settings.ACCOUNTS, "ROTATE_REFRESH_TOKENS": False}
    assert "refresh" not in refresh(login(user)["refresh"]).json()


def test_a_rotated_token_still_serves_within_the_grace_period(user, rotation):
    old = login(user)["refresh"]

    first = refresh(old)
    second_tab = refresh(old)  # another tab, a moment later, with the same token

    assert (first.status_code, second_tab.status_code) == (200, 200)
    assert first.json()["refresh"] != second_tab.json()["refresh"] != old
    assert refresh(first.json()["refresh"]).status_code == 200
    assert refresh(second_tab.json()["refresh"]).status_code == 200


def test_a_rotated_token_used_after_the_grace_period_revokes_every_token(user, rotation):
    tokens = login(user)
    rotated = refresh(tokens["refresh"]).json()
    RotatedRefreshToken.objects.update(rotated_at=timezone.now() - datetime.timedelta(seconds=31))

    reuse = refresh(tokens["refresh"])

    assert (reuse.status_code, reuse.json()) == (401, INVALID)
    assert refresh(rotated["refresh"]).status_code == 401  # the legitimate successor too
    assert me(rotated["access"]).status_code == 401
    assert me(login(user)["access"]).status_code == 200  # logging in again works


def test_logout_revokes_a_rotated_token_within_its_grace_period(user, rotation):
    old = login(user)["refresh"]
    refresh(old)

    APIClient().post(LOGOUT, {"refresh": old}, format="json")

    assert refresh(old).status_code == 401


def test_a_password_change_through_the_model_revokes_access_and_refresh_tokens(user):
    tokens = login(user)
    assert me(tokens["access"]).status_code == 200  # the user is cached now

    user.set_password("another-Horse-battery-7")
    user.save()

    refused = me(tokens["access"])
    assert (refused.status_code, set(refused.json())) == (401, {"detail"})
    assert refresh(tokens["refresh"]).status_code == 401
    assert me(login(user, "another-Horse-battery-7")["access"]).status_code == 200


def test_a_deactivation_revokes_tokens_for_good(user):
    tokens = login(user)
    me(tokens["access"])

    user.is_active = False
    user.save()
    User.objects.filter(pk=user.pk).update(is_active=True)  # reactivated behind save()'s back

    assert me(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401


def test_other_saves_keep_tokens(user):
    tokens = login(user)

    user.first_name = "Ada"
    user.save()

    assert me(tokens["access"]).status_code == 200
    assert refresh(tokens["refresh"]).status_code == 200


def test_a_password_set_behind_saves_back_revokes_tokens_too(user):
    """A bulk update (no save(), no signal): the tokens' digest of the password hash no longer
    matches once the cached user expires (ACCOUNTS["USER_CACHE_TIMEOUT"]; none here)."""
    tokens = login(user)

    User.objects.filter(pk=user.pk).update(password=make_password("another-Horse-battery-7"))

    assert me(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401


def test_a_rehash_at_login_changes_the_hash_and_so_revokes_older_tokens(user, settings):
    """The price of the digest: a new hasher's rehash of the same password at login (rare, once
    per hasher change) signs the user's other sessions out; the new login works."""
    tokens = login(user)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    User.objects.filter(pk=user.pk).update(
        password=make_password(DEFAULT_PASSWORD, hasher="pbkdf2_sha256")
    )

    fresh = login(user)  # upgrades the stored hash to MD5

    assert User.objects.get(pk=user.pk).password.startswith("md5$")
    assert me(tokens["access"]).status_code == 401
    assert me(fresh["access"]).status_code == 200


# The password endpoint ------------------------------------------------------------------------


def change_password(access: str | None, body: dict):
    client = APIClient()
    if access:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.post(PASSWORD, body, format="json")


def test_password_change_answers_a_fresh_pair_and_revokes_the_others(user):
    other_session = login(user)
    tokens = login(user)

    response = change_password(
        tokens["access"],
        {"current_password": DEFAULT_PASSWORD, "new_password": "another-Horse-battery-7"},
    )

    assert response.status_code == 200
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"}
    assert me(fresh["access"]).status_code == 200
    assert refresh(fresh["refresh"]).status_code == 200
    for old in (tokens, other_session):
        assert me(old["access"]).status_code == 401
        assert refresh(old["refresh"]).status_code == 401
    assert login(user, "another-Horse-battery-7")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong", "new_password": "another-Horse-battery-7"},
         "current_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "12345678901"}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD}, "new_password"),
        ({"new_password": "another-Horse-battery-7"}, "current_password"),
    ],
)  # fmt: skip
def test_password_change_refuses_bad_input_and_changes_nothing(user, body, field):
    tokens = login(user)

    response = change_password(tokens["access"], body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert me(tokens["access"]).status_code == 200
    assert User.objects.get(pk=user.pk).check_password(DEFAULT_PASSWORD)


def test_password_change_needs_authentication(user):
    response = change_password(None, {"current_password": "x", "new_password": "y"})

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


# One error shape ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/movies/", ME])
def test_a_stale_bearer_token_is_answered_with_detail_only(api_client, path):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get(path)

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
