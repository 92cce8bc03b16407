"""Cookie mode: the tokens travel as HttpOnly cookies that JavaScript cannot read."""

from django.conf import settings
from django.middleware.csrf import get_token
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.conf import accounts_settings


def set_token_cookies(request: Request, response: Response) -> None:
    """Copy the token(s) in ``response.data`` into cookies, and issue a CSRF cookie."""
    if not accounts_settings.JWT_COOKIE_MODE:
        return
    jwt = settings.SIMPLE_JWT
    lifetimes = {
        "access": (accounts_settings.ACCESS_COOKIE_NAME, jwt["ACCESS_TOKEN_LIFETIME"]),
        "refresh": (accounts_settings.REFRESH_COOKIE_NAME, jwt["REFRESH_TOKEN_LIFETIME"]),
    }
    for field, (name, lifetime) in lifetimes.items():
        if field in response.data:
            response.set_cookie(
                name,
                response.data[field],
                max_age=int(lifetime.total_seconds()),
                httponly=True,
                secure=accounts_settings.COOKIE_SECURE,
                samesite=accounts_settings.COOKIE_SAMESITE,
                path="/api/",
            )
    get_token(request)  # the front end echoes the csrftoken cookie in X-CSRFToken


def delete_token_cookies(response: Response) -> None:
    for name in (accounts_settings.ACCESS_COOKIE_NAME, accounts_settings.REFRESH_COOKIE_NAME):
        response.delete_cookie(name, path="/api/", samesite=accounts_settings.COOKIE_SAMESITE)


def refresh_token_from(request: Request) -> str | None:
    """The refresh token from the body, or (cookie mode) from its cookie."""
    token = request.data.get("refresh") if isinstance(request.data, dict) else None
    if not token and accounts_settings.JWT_COOKIE_MODE:
        token = request.COOKIES.get(accounts_settings.REFRESH_COOKIE_NAME)
    return token or None
