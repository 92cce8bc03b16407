import pytest
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

TOKEN_URL = reverse("accounts:token-obtain")
REFRESH_URL = reverse("accounts:token-refresh")
LOGOUT_URL = reverse("accounts:logout")
ME_URL = reverse("accounts:me")
INVALID = {"detail": "Token is invalid or expired"}

pytestmark = pytest.mark.django_db


def login(api_client, user, password=DEFAULT_PASSWORD):
    return api_client.post(
        TOKEN_URL, {"username": user.username, "password": password}, format="json"
    )


def test_token_returns_pair_and_user(api_client, user):
    response = login(api_client, user)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"] == {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "favorite_movies": [],
    }
    assert AccessToken(body["access"])["user_id"] == str(user.id)


def test_token_wrong_password_is_400_with_spec_message(api_client, user):
    response = login(api_client, user, password="wrong")

    assert response.status_code == 400
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_token_inactive_user_is_refused(api_client):
    user = UserFactory(is_active=False)

    response = login(api_client, user)

    assert response.status_code == 400
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_token_missing_fields(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_token_is_throttled(api_client, user, throttle_rates):
    throttle_rates(token="2/min")
    login(api_client, user, password="wrong")
    login(api_client, user, password="wrong")

    response = login(api_client, user)

    assert response.status_code == 429
    assert "Retry-After" in response


def test_refresh_returns_a_new_access_token_and_the_refresh_token_serves_again(api_client, user):
    refresh = login(api_client, user).json()["refresh"]

    first = api_client.post(REFRESH_URL, {"refresh": refresh}, format="json")
    again = api_client.post(REFRESH_URL, {"refresh": refresh}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert list(first.json()) == ["access"]  # the contract's body
    assert AccessToken(first.json()["access"])["user_id"] == str(user.id)


def test_refresh_missing_token_is_400(api_client):
    response = api_client.post(REFRESH_URL, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"refresh": ["This field is required."]}


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 5000])
def test_refresh_garbage_is_401_with_spec_message(api_client, token):
    response = api_client.post(REFRESH_URL, {"refresh": token}, format="json")

    assert response.status_code == 401
    assert response.json() == INVALID


def test_refresh_with_access_token_is_refused(api_client, user):
    access = login(api_client, user).json()["access"]

    response = api_client.post(REFRESH_URL, {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json() == INVALID


def test_refresh_for_deleted_user_is_401_not_500(api_client, user):
    refresh = str(RefreshToken.for_user(user))
    user.delete()

    response = api_client.post(REFRESH_URL, {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json() == INVALID


def test_refresh_is_throttled(api_client, throttle_rates):
    throttle_rates(refresh="1/min")
    api_client.post(REFRESH_URL, {"refresh": "x"}, format="json")

    response = api_client.post(REFRESH_URL, {"refresh": "x"}, format="json")

    assert response.status_code == 429
    assert "Retry-After" in response


def test_logout_blacklists_refresh_token(api_client, user):
    refresh = login(api_client, user).json()["refresh"]

    response = api_client.post(LOGOUT_URL, {"refresh": refresh}, format="json")

    assert response.status_code == 204
    assert response.content == b""
    assert BlacklistedToken.objects.filter(token__token=refresh).exists()
    after = api_client.post(REFRESH_URL, {"refresh": refresh}, format="json")
    assert after.status_code == 401
    assert after.json() == INVALID


def test_logout_with_invalid_token(api_client):
    response = api_client.post(LOGOUT_URL, {"refresh": "nope"}, format="json")

    assert response.status_code == 401
    assert response.json() == INVALID


def test_me_returns_current_user(auth_client, user):
    response = auth_client.get(ME_URL)

    assert response.status_code == 200
    assert response.json()["id"] == user.id
    assert response.json()["username"] == user.username


def test_me_without_token_is_401(api_client):
    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_with_tampered_token_is_401(api_client, user):
    access = str(RefreshToken.for_user(user).access_token)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access[:-2]}xx")

    response = api_client.get(ME_URL)

    assert response.status_code == 401
