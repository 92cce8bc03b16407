"""URLs of the load benchmark's server: the API's own (``config.urls``) plus the ceiling."""

from django.urls import path

from bench.load import CEILING_PAGE_PATH, CEILING_PATH, STACK_PATH
from bench.load.views import CeilingPageView, CeilingView, django_ceiling
from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path(CEILING_PATH.lstrip("/"), CeilingView.as_view(), name="bench-ceiling"),
    path(CEILING_PAGE_PATH.lstrip("/"), CeilingPageView.as_view(), name="bench-ceiling-page"),
    path(STACK_PATH.lstrip("/"), django_ceiling, name="bench-django"),
    *api_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
