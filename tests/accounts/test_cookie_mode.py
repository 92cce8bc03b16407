import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
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

    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        reverse("accounts:token-refresh"), {}, format="json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 200
    assert browser.cookies["refresh_token"].value not in ("", old)


def test_logout_clears_cookies_and_revokes(browser):
    old = browser.cookies["refresh_token"].value

    csrf = browser.cookies["csrftoken"].value
    response = browser.post(reverse("accounts:logout"), {}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 204
    assert browser.cookies["access_token"].value == ""
    again = browser.post(reverse("accounts:token-refresh"), {"refresh": old}, format="json")
    assert again.status_code == 401


def test_cookies_are_ignored_when_mode_is_off(browser, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "JWT_COOKIE_MODE": False}

    assert browser.get(reverse("accounts:me")).status_code == 401


@pytest.mark.parametrize("url_name", ["accounts:token-refresh", "accounts:logout"])
def test_refresh_and_logout_by_cookie_are_csrf_checked(browser, url_name):
    response = browser.post(reverse(url_name), {}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert browser.get(reverse("accounts:me")).status_code == 200  # nothing was revoked


def test_a_refresh_token_in_the_body_needs_no_csrf_token(browser):
    refresh = browser.cookies["refresh_token"].value

    response = browser.post(reverse("accounts:token-refresh"), {"refresh": refresh}, format="json")

    assert response.status_code == 200


def test_bodies_keep_the_tokens_by_default(cookie_mode, api_client, user):
    body = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    ).json()

    assert {"access", "refresh", "user"} <= set(body)


def test_a_setting_keeps_the_tokens_out_of_the_bodies(cookie_mode, settings, user):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "COOKIE_TOKENS_IN_BODY": False}
    client = APIClient(enforce_csrf_checks=True)

    login = client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    refreshed = client.post(
        reverse("accounts:token-refresh"),
        {},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert set(login.json()) == {"user"}
    assert refreshed.status_code == 200 and refreshed.json() == {}
    assert client.cookies["access_token"].value and client.cookies["refresh_token"].value
    assert client.get(reverse("accounts:me")).json()["id"] == user.id


def test_the_csrf_endpoint_hands_out_the_token_and_its_cookie(api_client):
    response = api_client.get(reverse("accounts:csrf"))

    assert response.status_code == 200
    assert response.json()["csrfToken"]
    assert api_client.cookies["csrftoken"].value


def test_a_csrf_token_from_the_endpoint_passes_the_check(cookie_mode, user):
    client = APIClient(enforce_csrf_checks=True)
    token = client.get(reverse("accounts:csrf")).json()["csrfToken"]
    client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    )

    response = client.post(reverse("accounts:logout"), {}, format="json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 204


def test_an_origin_allowed_by_cors_passes_the_csrf_origin_check(browser, settings):
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$"]
    csrf = browser.cookies["csrftoken"].value

    allowed = browser.post(
        reverse("accounts:token-refresh"),
        {},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
        HTTP_ORIGIN="http://localhost:5173",
    )
    foreign = browser.post(
        reverse("accounts:token-refresh"),
        {},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
        HTTP_ORIGIN="https://evil.example",
    )

    assert allowed.status_code == 200
    assert foreign.status_code == 403


def test_samesite_none_needs_secure_cookies(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "COOKIE_SAMESITE": "None", "COOKIE_SECURE": False}

    with pytest.raises(SystemCheckError, match=r"accounts\.E007"):
        call_command("check")


def test_cross_site_cookie_mode_needs_a_cross_site_csrf_cookie(cookie_mode, settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "COOKIE_SAMESITE": "None"}
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "Lax", False

    with pytest.raises(SystemCheckError, match=r"accounts\.E008"):
        call_command("check")

    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "None", True
    call_command("check")
