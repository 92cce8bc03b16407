"""Local development: DEBUG on (unless DJANGO_DEBUG says otherwise) and the browsable API."""

from csp.constants import SELF, UNSAFE_INLINE

from .base import *
from .base import LOGGING, RECOMMENDATIONS, REST_FRAMEWORK, STRICT_CSP, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
# Log lines for people (LOG_FORMAT=json for production's).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="plain")  # type: ignore[index]  # a dictConfig dict
# Front-end dev servers on this machine (Vite's 5173, 3000, ...) may call the API.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$", r"^http://127\.0\.0\.1(:\d+)?$"]
# The browsable API is a page: its static scripts, stylesheets, fonts and images, its inline
# styles (attributes among them, hence 'unsafe-inline', for styles only), its forms and their
# requests. Here only (the docs and the admin keep their own policies; DEBUG's error pages,
# 404 and 500, get none from django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **STRICT_CSP,
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "font-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
    }
}
# E-mails (password resets, verifications) printed on the console unless EMAIL_BACKEND says.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Recommendations before the site has favorites: MovieLens' co-favorites as a community prior
# (non-commercial use only: off unless opted in under base and production settings). An empty
# RECOMMENDATIONS_PRIOR_FILE turns it off here too.
RECOMMENDATIONS = {
    **RECOMMENDATIONS,
    "PRIOR_FILE": env("RECOMMENDATIONS_PRIOR_FILE", default="prior/movielens-cofavorites.csv.gz")
    or None,
}
