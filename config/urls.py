from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api import routing
from core.api.health import HealthView

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("favorites.urls")),
    path("", include("recommendations.urls")),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    # Last: /api/<route> without its slash is served as /api/<route>/; anything else is a 404.
    re_path(r"^api/.*[^/]$", routing.slashless),
    re_path(r"^api/", routing.not_found),
]

handler400 = "core.api.exceptions.json_bad_request"
handler403 = "core.api.exceptions.json_permission_denied"
handler404 = "core.api.exceptions.json_not_found"
handler500 = "core.api.exceptions.json_server_error"
