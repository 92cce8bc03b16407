"""Content-Security-Policy headers: every response gets the strict policy, which allows nothing
(the API's JSON, errors included, and whatever else is no page of ours); the docs pages and the
admin get theirs, with a fresh nonce per docs page that every inline script and style of the
page carries. What the policies let the pages do in a browser: test_csp_browser.py and
test_swagger_ui.py."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.project.test_settings import manage

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header, one list of sources per directive."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def nonce_of(response) -> str:
    (nonce,) = {
        source.removeprefix("'nonce-").removesuffix("'")
        for sources in policy(response).values()
        for source in sources
        if source.startswith("'nonce-")
    }
    return nonce


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/movies/", 200),
        ("get", "/api/movies", 200),  # served without the slash
        ("get", "/api/genres/", 200),
        ("get", "/api/health/", 200),
        ("get", "/api/schema/", 200),
        ("get", "/api/movies/999999/", 404),
        ("get", "/api/movies/?page=9", 400),
        ("get", "/api/does-not-exist/", 404),
        ("get", "/api/me/", 401),
        ("get", "/api/register/", 405),
        ("post", "/api/token/", 400),
        ("get", "/", 404),  # outside the API too
    ],
)
def test_every_json_answer_carries_the_strict_policy(api_client, method, path, status):
    response = getattr(api_client, method)(path, {} if method == "post" else None, format="json")

    assert response.status_code == status
    assert policy(response) == STRICT


def test_a_server_error_carries_the_strict_policy(client, settings):
    settings.ROOT_URLCONF = "tests.project.urls_boom"
    client.raise_request_exception = False

    response = client.get("/api/boom/")

    assert response.status_code == 500
    assert policy(response) == STRICT


def test_a_cross_origin_call_keeps_its_cors_headers_under_the_policy(api_client, settings):
    """CSP restricts documents, not who may read an answer: a front end's fetch() is still
    allowed by CORS, preflight included, whatever the API's own policy."""
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    movies = reverse("catalog:movie-list")

    answer = api_client.get(movies, HTTP_ORIGIN="https://app.example")
    preflight = api_client.options(
        movies,
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )

    for response in (answer, preflight):
        assert response["Access-Control-Allow-Origin"] == "https://app.example"
        assert policy(response) == STRICT


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs"])  # served without the slash too
def test_swagger_ui_carries_its_policy(client, path):
    response = client.get(path)
    nonce = nonce_of(response)

    assert response.status_code == 200
    assert policy(response) == {
        **STRICT,
        "script-src": ["'self'"],  # no inline script at all
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
    }
    assert nonce != nonce_of(client.get(path))  # a fresh one on every page


def test_redoc_carries_its_policy(client):
    response = client.get("/api/redoc/")
    nonce = nonce_of(response)

    assert response.status_code == 200
    assert policy(response) == {
        **STRICT,
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": [
            f"'nonce-{nonce}'",
            "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        ],
        "img-src": ["data:"],
        "connect-src": ["'self'"],
        "worker-src": ["blob:"],
    }
    assert nonce != nonce_of(client.get("/api/redoc/"))
    assert f'nonce: "{nonce}"' in response.content.decode()  # given to ReDoc's own <style>s


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_every_inline_script_and_style_of_the_docs_carries_the_nonce(client, path):
    response = client.get(path)
    html = response.content.decode()
    nonce = nonce_of(response)
    inline = re.findall(r"<(?:script|style)(?![^>]*\ssrc=)[^>]*>", html)

    assert inline  # each page has an inline style at least
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline
    assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # nothing from afar


def test_swagger_uis_init_script_is_a_file_of_its_own(client):
    html = client.get("/api/docs/").content.decode()
    (script_url,) = re.findall(r'<script src="(/api/docs/\?[^"]*)"', html)

    script = client.get(script_url.replace("&amp;", "&"))

    assert not re.search(r"<script(?![^>]*\ssrc=)", html)  # no inline script
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


def test_an_absolute_api_public_url_is_allowed_to_swagger_uis_requests():
    """With the schema's server on another origin (API_PUBLIC_URL), "Try it out" calls it."""
    script = "from django.conf import settings; print(settings.SWAGGER_UI_CSP['connect-src'])"

    result = manage(
        "shell", "-c", script,
        DJANGO_SETTINGS_MODULE="config.settings.test", API_PUBLIC_URL="https://api.example.com/v2/",
    )  # fmt: skip

    assert result.stdout.splitlines()[-1:] == [str(["'self'", "https://api.example.com"])], (
        result.stderr
    )


def test_the_admin_carries_its_policy(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_csp = {
        **STRICT,
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "form-action": ["'self'"],
    }

    login_page = client.get(reverse("admin:login"))
    logged_in = client.post(
        reverse("admin:login"), {"username": admin.username, "password": DEFAULT_PASSWORD}
    )
    change_page = client.get(reverse("admin:accounts_user_change", args=[admin.pk]))

    assert login_page.status_code == 200
    assert logged_in.status_code == 302
    assert change_page.status_code == 200
    for response in (login_page, logged_in, change_page):
        assert policy(response) == admin_csp


def test_static_files_carry_the_strict_policy(client, settings):
    """whitenoise answers them inside the CSP middleware: a static HTML page (the sidecar's
    OAuth2 redirect page, unused here) can run nothing."""
    settings.WHITENOISE_USE_FINDERS = True  # as if collected
    settings.WHITENOISE_AUTOREFRESH = True

    page = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/oauth2-redirect.html")
    script = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert page.status_code == script.status_code == 200
    assert policy(page) == policy(script) == STRICT
