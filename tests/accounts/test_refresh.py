"""Token refresh with rotation: its SQL, and two refreshes of one token racing on separate
connections."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import RotatedRefreshToken

REFRESH_URL = reverse("accounts:token-refresh")
ROTATION_INSERT = 'INSERT INTO "accounts_rotatedrefreshtoken"'


@pytest.fixture(autouse=True)
def rotation(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "ROTATE_REFRESH_TOKENS": True}


def refresh(token: str):
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


@pytest.mark.django_db
def test_refresh_reads_once_and_writes_two_rows(user, django_assert_num_queries):
    token = str(RefreshToken.for_user(user))
    last_login = user.last_login

    # One SELECT (token row, its blacklist entry, rotation and user), then the rotation row in a
    # savepoint (savepoint, INSERT, release) and the new token's row.
    with django_assert_num_queries(5) as captured:
        response = refresh(token)

    assert response.status_code == 200
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements.count("SELECT") == 1
    assert statements.count("INSERT") == 2
    assert RotatedRefreshToken.objects.filter(token__token=token).exists()
    new = OutstandingToken.objects.get(token=response.json()["refresh"])
    assert new.user_id == user.id
    user.refresh_from_db()
    assert user.last_login == last_login  # a refresh is not a login


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.parametrize("attempt", range(3))
def test_refresh_of_one_token_racing_itself_succeeds_once(user, attempt):
    """Both requests pass the read before either writes: one rotates the token, the other is
    inside the grace period (two tabs): both get a token of their own."""
    token = str(RefreshToken.for_user(user))
    both_read = threading.Barrier(2, timeout=10)
    statuses: list[int] = []

    def wait_before_blacklisting(execute, sql, params, many, context):
        if sql.startswith(ROTATION_INSERT):
            both_read.wait()
        return execute(sql, params, many, context)

    def race() -> None:
        try:
            with connection.execute_wrapper(wait_before_blacklisting):
                statuses.append(refresh(token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200, 200]
    assert OutstandingToken.objects.filter(user=user).count() == 3  # login + one per tab
    assert RotatedRefreshToken.objects.count() == 1


@pytest.mark.django_db
def test_refresh_for_inactive_user_is_401(user):
    token = str(RefreshToken.for_user(user))
    user.is_active = False
    user.save()

    response = refresh(token)

    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired"}


@pytest.mark.django_db
def test_refresh_of_an_unrecorded_token_rotates_and_revokes_it(user, settings):
    """A token issued without its outstanding row (``RefreshToken()`` does not record one)."""
    settings.ACCOUNTS = {**settings.ACCOUNTS, "ROTATION_GRACE_SECONDS": 0}
    unrecorded = RefreshToken()
    unrecorded["user_id"] = str(user.id)
    unrecorded["hash_password"] = get_md5_hash_password(user.password)  # CHECK_REVOKE_TOKEN
    token = str(unrecorded)

    first = refresh(token)
    again = refresh(token)

    assert first.status_code == 200
    assert OutstandingToken.objects.get(token=token).user_id == user.id
    assert again.status_code == 401
    assert again.json() == {"detail": "Token is invalid or expired"}
