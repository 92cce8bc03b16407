from collections.abc import Callable, Sequence
from typing import Any

from csp.decorators import csp
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core.api import routing
from core.api.health import LiveView, ReadyView
from core.metrics import metrics_view

# Content-Security-Policy: every answer gets the strict default (CONTENT_SECURITY_POLICY); the
# HTML pages, the docs and the admin, get a whole policy of their own (config/settings/base.py).


def with_policy(
    patterns: Sequence[URLPattern | URLResolver], decorator: Callable[[Any], Any]
) -> Sequence[URLPattern | URLResolver]:
    """Every view under `patterns` (included ones too) wrapped in `decorator`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            with_policy(pattern.url_patterns, decorator)
        else:
            pattern.callback = decorator(pattern.callback)
    return patterns


# The apps' URLs, each app's only while it is installed (watchlist, ratings, history and imports
# may be left out).
APP_URLS = [
    "accounts", "catalog", "favorites", "watchlist", "ratings", "history", "recommendations",
    "imports",
]  # fmt: skip

api_patterns: list[URLPattern | URLResolver] = [
    *(path("", include(f"{app}.urls")) for app in APP_URLS if apps.is_installed(app)),
    # The probes (core.api.health); the old path is the readiness probe.
    path("health/", ReadyView.as_view(), name="health"),
    path("health/live/", LiveView.as_view(), name="health-live"),
    path("health/ready/", ReadyView.as_view(), name="health-ready"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file (?script), so no inline script.
    path(
        "docs/",
        csp(settings.SWAGGER_UI_CSP)(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="docs/swagger_ui.html"
            )
        ),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        csp(settings.REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="schema", template_name="docs/redoc.html")
        ),
        name="redoc",
    ),
]

admin_patterns, admin_app, admin_namespace = admin.site.urls

urlpatterns = [
    path(
        "admin/",
        include(
            (with_policy(admin_patterns, csp(settings.ADMIN_CSP)), admin_app),
            namespace=admin_namespace,
        ),
    ),
    path("api/", include(api_patterns)),
    # Prometheus's conventional path, outside the API (core.metrics; nginx refuses it).
    path("metrics", metrics_view, name="metrics"),
    # Last: /api/<route> without its slash is served as /api/<route>/; anything else is a 404.
    re_path(r"^api/.*[^/]$", routing.slashless),
    re_path(r"^api/", routing.not_found),
]

handler400 = "core.api.exceptions.json_bad_request"
handler403 = "core.api.exceptions.json_permission_denied"
handler404 = "core.api.exceptions.json_not_found"
handler500 = "core.api.exceptions.json_server_error"
