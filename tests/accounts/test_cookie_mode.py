import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cookie_mode(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "JWT_COOKIE_MODE": True}


@pytest.fixture
def browser(cookie_mode, user) -> APIClient:
    """A client that logged in and holds the cookies, as a browser would."""
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    return client


def test_login_sets_httponly_secure_lax_cookies(browser):
    for name in ("access_token", "refresh_token"):
        cookie = browser.cookies[name]
        assert cookie["httponly"] is True
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/api/"
    assert browser.cookies["csrftoken"].value


def test_cookie_authenticates_safe_requests(browser, user):
    response = browser.get(reverse("accounts:me"))

    assert response.status_code == 200
    assert response.json()["id"] == user.id


def test_cookie_auth_needs_csrf_on_unsafe_methods(browser, cookie_mode, settings):
    settings.ROOT_URLCONF = "tests.accounts.urls_csrf_probe"

    without = browser.post("/api/probe/", {}, format="json")
    with_token = browser.post(
        "/api/probe/", {}, format="json", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
    )

    assert without.status_code == 403
    assert without.json()["detail"].startswith("CSRF Failed")
    assert with_token.status_code == 200


def test_refresh_reads_cookie_and_rotates_it(browser):
    old = browser.cookies["refresh_token"].value

    response = browser.post(reverse("accounts:token-refresh"), {}, format="json")

    assert response.status_code == 200
    assert browser.cookies["refresh_token"].value not in ("", old)


def test_logout_clears_cookies_and_revokes(browser):
    old = browser.cookies["refresh_token"].value

    response = browser.post(reverse("accounts:logout"), {}, format="json")

    assert response.status_code == 204
    assert browser.cookies["access_token"].value == ""
    again = browser.post(reverse("accounts:token-refresh"), {"refresh": old}, format="json")
    assert again.status_code == 401


def test_cookies_are_ignored_when_mode_is_off(browser, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "JWT_COOKIE_MODE": False}

    assert browser.get(reverse("accounts:me")).status_code == 401
