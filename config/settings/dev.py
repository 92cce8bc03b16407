"""Local development: DEBUG on (unless DJANGO_DEBUG says otherwise) and the browsable API."""

from .base import *
from .base import REST_FRAMEWORK, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
# Front-end dev servers on this machine (Vite's 5173, 3000, ...) may call the API.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$", r"^http://127\.0\.0\.1(:\d+)?$"]
# Recommendations before the site has favorites: MovieLens' co-favorites as a community prior
# (non-commercial use only: never on in production settings).
RECOMMENDATIONS = {"PRIOR_FILE": "prior/movielens-cofavorites.csv.gz"}
