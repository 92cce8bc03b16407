"""Local development: DEBUG on (unless DJANGO_DEBUG says otherwise) and the browsable API."""

from .base import *
from .base import REST_FRAMEWORK, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
