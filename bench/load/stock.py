"""A stock Django project in one module: settings (``DJANGO_SETTINGS_MODULE=bench.load.stock``)
and URLconf, with Django's default middleware only (what ``startproject`` writes) and one view,
the constant JSON of ``bench.load.views.django_ceiling``. The load benchmark serves it with a
gunicorn of its own (``django.core.wsgi:get_wsgi_application()``), as production's workers, to
measure what our middleware stack costs against Django's own (the ``stock`` scenario)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from bench.load import PAYLOAD

SECRET_KEY = "bench-load-stock-django-" + "0123456789abcdefghijklmnopqrstuvwxyz"  # signs nothing
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "bench.load.stock"
USE_TZ = True
STATIC_URL = "static/"


def ceiling(request: HttpRequest) -> JsonResponse:
    return JsonResponse(PAYLOAD)


urlpatterns = [path("", ceiling)]
