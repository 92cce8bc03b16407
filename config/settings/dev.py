"""Local development: DEBUG on (unless DJANGO_DEBUG says otherwise) and the browsable API."""

from .base import *
from .base import REST_FRAMEWORK, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
# Front-end dev servers on this machine (Vite's 5173, 3000, ...) may call the API.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$", r"^http://127\.0\.0\.1(:\d+)?$"]
# E-mails (password resets, verifications) printed on the console unless EMAIL_BACKEND says.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
