"""Front ends on another origin: local dev servers allowed under `make run`, an explicit list in
production, and the headers a front end must read exposed."""

import pytest
from django.urls import reverse

from config.settings import base, dev

pytestmark = pytest.mark.django_db

MOVIES = reverse("catalog:movie-list")


def preflight(client, origin: str):
    return client.options(
        MOVIES,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )


@pytest.mark.parametrize(
    "origin", ["http://localhost:5173", "http://localhost:3000", "http://127.0.0.1:8080"]
)
def test_dev_settings_allow_local_front_ends(api_client, settings, origin):
    settings.CORS_ALLOWED_ORIGIN_REGEXES = dev.CORS_ALLOWED_ORIGIN_REGEXES

    response = api_client.get(MOVIES, HTTP_ORIGIN=origin)

    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert preflight(api_client, origin)["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize("origin", ["http://localhost.evil.example", "https://localhost:5173"])
def test_dev_settings_allow_nothing_else(api_client, settings, origin):
    settings.CORS_ALLOWED_ORIGIN_REGEXES = dev.CORS_ALLOWED_ORIGIN_REGEXES

    assert "Access-Control-Allow-Origin" not in api_client.get(MOVIES, HTTP_ORIGIN=origin)


def test_base_settings_allow_only_the_listed_origins(api_client, settings):
    assert not getattr(base, "CORS_ALLOWED_ORIGIN_REGEXES", None)  # production has no patterns
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]

    allowed = api_client.get(MOVIES, HTTP_ORIGIN="https://app.example")
    local = api_client.get(MOVIES, HTTP_ORIGIN="http://localhost:5173")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Access-Control-Allow-Origin" not in local


def test_retry_after_is_exposed(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]

    response = api_client.get(MOVIES, HTTP_ORIGIN="https://app.example")

    assert "retry-after" in response["Access-Control-Expose-Headers"].lower()
