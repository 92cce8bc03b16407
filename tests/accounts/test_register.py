import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory

URL = reverse("accounts:register")
GOOD = {"username": "testuser", "email": "test@example.com", "password": "s3cret-Pass!word"}

pytestmark = pytest.mark.django_db


def test_register_creates_user_and_returns_spec_body(api_client):
    response = api_client.post(URL, GOOD, format="json")

    assert response.status_code == 201
    user = User.objects.get(username="testuser")
    assert response.json() == {
        "id": user.id,
        "username": "testuser",
        "email": "test@example.com",
        "favorite_movies": [],
    }
    assert user.check_password(GOOD["password"])
    assert "password" not in response.json()


def test_register_duplicate_username_and_email_in_other_case(api_client):
    UserFactory(username="testuser", email="Test@Example.com")

    response = api_client.post(URL, GOOD, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["A user with that username already exists."],
        "email": ["This field must be unique."],
    }
    assert User.objects.count() == 1


def test_register_invalid_email(api_client):
    response = api_client.post(URL, {**GOOD, "email": "not-an-email"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "testuser-1"])
def test_register_weak_password_is_refused(api_client, password):
    response = api_client.post(URL, {**GOOD, "password": password}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert not User.objects.exists()


def test_register_missing_fields(api_client):
    response = api_client.post(URL, {}, format="json")

    assert response.status_code == 400
    required = ["This field is required."]
    assert response.json() == {"username": required, "email": required, "password": required}


def test_register_rejects_non_json_body(api_client):
    response = api_client.post(URL, "username=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert "detail" in response.json()


def test_register_password_is_hashed_with_argon2_in_base_settings(api_client, settings):
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    api_client.post(URL, GOOD, format="json")

    assert User.objects.get().password.startswith("argon2$")


def test_register_is_throttled_with_retry_after(api_client, throttle_rates):
    throttle_rates(register="2/min")
    for n in range(2):
        body = {**GOOD, "username": f"user{n}", "email": f"u{n}@example.com"}
        assert api_client.post(URL, body, format="json").status_code == 201

    response = api_client.post(URL, {**GOOD, "username": "third"}, format="json")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Request was throttled.")
    assert User.objects.count() == 2


@pytest.mark.parametrize("field", ["username", "email", "password"])
@pytest.mark.parametrize("number", [10000000.0, 12345678])
def test_a_number_is_not_a_string(api_client, field, number):
    response = api_client.post(URL, {**GOOD, field: number}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_login_with_a_number_is_400_on_the_field(api_client, user, field):
    body = {"username": user.username, "password": "x", field: 10000000.0}

    response = api_client.post(reverse("accounts:token-obtain"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
