"""config.csp: a response with no policy of its own gets exactly the header django-csp builds,
built once per settings; anything else is django-csp's own answer."""

from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from config.csp import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def answers(response_factory) -> list[dict[str, str | None]]:
    """The CSP headers ours and django-csp's middleware give the same request and response."""
    found = []
    for middleware in (CSPMiddleware, LibraryCSPMiddleware):
        request = RequestFactory().get("/api/movies/")
        response = middleware(lambda r: response_factory())(request)
        found.append({header: response.get(header) for header in HEADERS})
    return found


def test_the_settings_policy_is_django_csps(settings):
    ours, theirs = answers(HttpResponse)

    assert ours == theirs and ours["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'none'"]}}

    ours, theirs = answers(HttpResponse)

    assert ours == theirs
    assert ours["Content-Security-Policy"] == "default-src 'self'"
    assert "img-src 'none'" in ours["Content-Security-Policy-Report-Only"]


def test_a_views_own_policy_is_django_csps(settings):
    def own() -> HttpResponse:
        response = HttpResponse()
        response._csp_config = {"default-src": ["'self'"], "img-src": ["data:"]}
        return response

    ours, theirs = answers(own)

    assert ours == theirs and "img-src data:" in ours["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_an_error():
    request = RequestFactory().get("/api/movies/")
    CSPMiddleware(lambda r: HttpResponse())(request)

    try:
        str(request.csp_nonce)
    except Exception as exc:  # csp.exceptions.CSPNonceError
        assert "not available after the CSP header" in str(exc)
    else:
        raise AssertionError("a nonce after the header was given")


def test_excluded_url_prefixes_are_django_csps(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/api/"],
        "DIRECTIVES": {"default-src": ["'none'"]},
    }

    ours, theirs = answers(HttpResponse)

    assert ours == theirs and ours["Content-Security-Policy"] is None
