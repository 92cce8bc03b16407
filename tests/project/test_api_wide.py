"""Behaviour shared by the whole API: JSON errors, schema, docs, health."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_unknown_api_url_is_json_404(api_client):
    response = api_client.get("/api/does-not-exist/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_wrong_method_is_json_405(api_client):
    response = api_client.get(reverse("accounts:register"))

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}


def test_server_error_is_json_500(client, settings):
    settings.ROOT_URLCONF = "tests.project.urls_boom"
    client.raise_request_exception = False

    response = client.get("/api/boom/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "A server error occurred.",
        "request_id": response["X-Request-ID"],
    }


def test_malformed_json_is_400(api_client):
    response = api_client.post(
        reverse("accounts:register"), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_schema_is_openapi_3_with_bearer_security(api_client):
    response = api_client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert {"/api/register/", "/api/token/", "/api/token/refresh/", "/api/me/"} <= set(
        schema["paths"]
    )


def test_every_operation_documents_responses_and_examples(api_client):
    schema = api_client.get(
        reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method} {path} documents no success response"
            has_example = any(
                "examples" in content
                for response in operation["responses"].values()
                for content in response.get("content", {}).values()
            )
            if success != ["204"]:
                assert has_example, f"{method} {path} has no response example"


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_docs_pages_use_bundled_assets_only(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_health_reports_database_and_cache(api_client):
    response = api_client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_degraded_but_ready_when_the_cache_fails(api_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken)

    response = api_client.get(reverse("health"))

    # The API serves from the database meanwhile: still ready (up to 2.0.0, a 503).
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}
