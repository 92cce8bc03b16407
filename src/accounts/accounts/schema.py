"""OpenAPI description of the cookie-aware JWT authentication (a Bearer scheme)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTCookieScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTCookieAuthentication"
    name = "jwtAuth"
