"""django-axes' answers: who a login attempt is for, and what a locked-out client is told.

Failed logins are counted per account and per client address (``AXES_LOCKOUT_PARAMETERS``), at
``/api/token/`` and the admin's login alike; past ``AXES_FAILURE_LIMIT`` the account, or the
address, is locked out for ``AXES_COOLOFF_TIME``, even with the right password.
"""

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

from accounts.models import User

LOCKED_OUT = "Too many failed login attempts: try again later."


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt is for, as the user model compares usernames: ``Alice``,
    ``ALICE`` and ``Alice`` in fullwidth letters count against one account."""
    name = (credentials or {}).get(User.USERNAME_FIELD)
    return User.normalize_username(name).casefold() if isinstance(name, str) else None


def client_ip(request: HttpRequest) -> str:
    """The client's address as DRF's throttles read it: ``REMOTE_ADDR``, or with
    ``NUM_PROXIES`` trusted proxies in front, the address they put in ``X-Forwarded-For``."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # a Django request


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 with ``Retry-After``: ``{"detail"}`` under /api/, plain text for the admin."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": LOCKED_OUT}, status=429)
    else:
        response = HttpResponse(LOCKED_OUT, status=429, content_type="text/plain")
    response["Retry-After"] = str(math.ceil(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
