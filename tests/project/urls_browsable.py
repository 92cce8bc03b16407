"""The project's URLs with two API views also rendering DRF's browsable API, as under
config.settings.dev (whose renderer is fixed when the views are imported): for
test_csp_browser.py."""

from django.urls import path
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from accounts.views import RegisterView
from catalog.views import MovieViewSet
from config.urls import urlpatterns as project_urlpatterns

BROWSABLE = [JSONRenderer, BrowsableAPIRenderer]

urlpatterns = [
    path("api/movies/", MovieViewSet.as_view({"get": "list"}, renderer_classes=BROWSABLE)),
    path("api/register/", RegisterView.as_view(renderer_classes=BROWSABLE)),
    *project_urlpatterns,
]
