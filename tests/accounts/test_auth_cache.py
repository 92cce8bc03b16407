"""JWT authentication keeps the user in the cache, and never trusts it past a committed change."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.tokens import AccessToken

from accounts.cache import user_key, user_namespace
from accounts.models import User
from core import versioned_cache
from tests.accounts.factories import UserFactory
from tests.conftest import client_for

ME = reverse("accounts:me")


@pytest.fixture(autouse=True)
def _no_favorite_ids(settings):
    """/api/me/ then makes no query of its own: what is left is authentication's."""
    settings.ACCOUNTS = {**settings.ACCOUNTS, "FAVORITE_MOVIE_IDS": None}


@pytest.mark.django_db
def test_jwt_auth_second_request_reads_no_user(user, django_assert_num_queries):
    client = client_for(user)
    with django_assert_num_queries(1):
        client.get(ME)

    with django_assert_num_queries(0):
        response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["id"] == user.id


@pytest.mark.django_db
def test_jwt_auth_timeout_zero_reads_user_every_time(user, settings, django_assert_num_queries):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "USER_CACHE_TIMEOUT": 0}
    client = client_for(user)
    client.get(ME)

    with django_assert_num_queries(1):
        response = client.get(ME)

    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_jwt_auth_refuses_a_cached_user_once_deactivated(user):
    client = client_for(user)
    assert client.get(ME).status_code == 200

    user.is_active = False
    user.save()
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["detail"] == "User is inactive"


@pytest.mark.django_db(transaction=True)
def test_jwt_auth_refuses_a_cached_user_once_deleted(user):
    client = client_for(user)
    assert client.get(ME).status_code == 200

    user.delete()
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["detail"] == "User not found"


@pytest.mark.django_db(transaction=True)
def test_jwt_auth_sees_a_username_change(user):
    client = client_for(user)
    client.get(ME)

    user.username = "renamed"
    user.save()

    assert client.get(ME).json()["username"] == "renamed"


@pytest.mark.django_db
def test_jwt_auth_does_not_cache_a_refused_user():
    user = UserFactory(is_active=False)
    client = client_for(user)
    assert client.get(ME).status_code == 401

    User.objects.filter(pk=user.pk).update(is_active=True)  # no signal, no invalidation

    assert client.get(ME).status_code == 200


@pytest.mark.django_db
def test_jwt_auth_checks_the_revoke_claim_of_a_cached_user(user, monkeypatch):
    # simplejwt's modules keep the settings object they imported (overriding SIMPLE_JWT rebinds
    # only its own module's name), so the setting is switched on that object.
    monkeypatch.setattr(tokens.api_settings, "CHECK_REVOKE_TOKEN", True)
    old_token = AccessToken.for_user(user)
    user.set_password("another-Horse-battery-7")
    user.save()
    new_client = client_for(user)
    assert new_client.get(ME).status_code == 200  # caches the user with its new password

    old_client = client_for(user)
    old_client.credentials(HTTP_AUTHORIZATION=f"Bearer {old_token}")
    response = old_client.get(ME)

    assert response.status_code == 401
    assert response.json()["detail"] == "The user's password has been changed."


@pytest.mark.django_db
def test_jwt_auth_reads_the_database_while_the_cache_is_down(
    cache_down, user, django_assert_num_queries
):
    client = client_for(user)
    for _ in range(2):
        with django_assert_num_queries(1):
            response = client.get(ME)
        assert response.status_code == 200


@pytest.mark.django_db
def test_auth_user_cache_ignores_a_user_stored_after_invalidation(user):
    """A request read the user, the change committed and invalidated, then the request stores
    what it read: that copy must not be served."""
    key, namespace = user_key(user.pk), user_namespace(user.pk)
    snapshot = versioned_cache.read([namespace], [key])
    assert snapshot.entry(key) is None

    namespace.bump()
    snapshot.store(key, user, timeout=60)

    assert versioned_cache.read([namespace], [key]).entry(key) is None


@pytest.mark.parametrize("timeout", [-1, "60", None, 1.5])
def test_check_reports_a_bad_user_cache_timeout(settings, timeout):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "USER_CACHE_TIMEOUT": timeout}

    with pytest.raises(SystemCheckError, match=r"accounts\.E004"):
        call_command("check")
