"""Cookie mode: the tokens travel as HttpOnly cookies that JavaScript cannot read, and since a
browser sends cookies on its own, every unsafe request they authenticate is CSRF-checked."""

import re

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware, get_token
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.conf import accounts_settings


def set_token_cookies(request: Request, response: Response) -> None:
    """Cookie mode: copy the token(s) in ``response.data`` into cookies, issue a CSRF cookie,
    and drop the tokens from the body unless ``ACCOUNTS['COOKIE_TOKENS_IN_BODY']``."""
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
            if not accounts_settings.COOKIE_TOKENS_IN_BODY:
                del response.data[field]
    get_token(request)  # the front end echoes the csrftoken cookie in X-CSRFToken


def delete_token_cookies(response: Response) -> None:
    for name in (accounts_settings.ACCESS_COOKIE_NAME, accounts_settings.REFRESH_COOKIE_NAME):
        response.delete_cookie(name, path="/api/", samesite=accounts_settings.COOKIE_SAMESITE)


def refresh_token_from(request: Request) -> str | None:
    """The refresh token from the body, or in cookie mode from its cookie: then the request is
    CSRF-checked (raises ``PermissionDenied``), as any the cookies authenticate."""
    token = request.data.get("refresh") if isinstance(request.data, dict) else None
    if not token and accounts_settings.JWT_COOKIE_MODE:
        token = request.COOKIES.get(accounts_settings.REFRESH_COOKIE_NAME)
        if token:
            enforce_csrf(request)
    return token or None


class _CSRFCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering the reason instead of a response; a front end's origin
    allowed by CORS (``CORS_ALLOWED_ORIGINS`` or ``CORS_ALLOWED_ORIGIN_REGEXES``) is trusted as
    if listed in ``CSRF_TRUSTED_ORIGINS``."""

    def _reject(self, request: HttpRequest, reason: str) -> str:
        return reason

    def _origin_verified(self, request: HttpRequest) -> bool:
        origin = request.META.get("HTTP_ORIGIN", "")
        allowed = origin in getattr(settings, "CORS_ALLOWED_ORIGINS", ()) or any(
            re.match(pattern, origin)
            for pattern in getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", ())
        )
        return allowed or super()._origin_verified(request)  # type: ignore[misc]  # unstubbed


def enforce_csrf(request: HttpRequest) -> None:
    # As DRF's SessionAuthentication does: the check needs no response and no view (the stubs
    # ask for both: hence the ignores).
    check = _CSRFCheck(lambda req: None)  # type: ignore[arg-type]
    check.process_request(request)
    reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
