"""django-axes' answers: who a login attempt is for, and what a locked-out client is told.

Failed logins are counted per account and per client address (``AXES_LOCKOUT_PARAMETERS``), at
``/api/token/`` and the admin's login alike; past ``AXES_FAILURE_LIMIT`` the account, or the
address, is locked out for ``AXES_COOLOFF_TIME``, even with the right password. A success clears
the failures of the account that logged in, and only those (``AccountResetHandler``).
"""

import hashlib
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

from accounts.models import User, fold_username

LOCKED_OUT = "Too many failed login attempts: try again later."
RECORD_NAME_LENGTH = AccessAttempt._meta.get_field("username").max_length or 255


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt is for, as the user model compares usernames: ``Alice``,
    ``ALICE`` and ``Alice`` in fullwidth letters count against one account."""
    name = (credentials or {}).get(User.USERNAME_FIELD)
    return record_name(name) if isinstance(name, str) else None


def record_name(name: str) -> str:
    """The name django-axes records a login failure for ``name`` under: its folded form, or,
    past axes' 255-character column (a name no account has), a digest of it."""
    folded = fold_username(name)
    if len(folded) <= RECORD_NAME_LENGTH:
        return folded
    return "sha256:" + hashlib.sha256(folded.encode()).hexdigest()


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


class AccountResetHandler(AxesDatabaseHandler):
    """django-axes' database handler (``AXES_HANDLER``) whose reset on success
    (``AXES_RESET_ON_SUCCESS``) clears the failures recorded for the account that logged in.

    axes' own reset deletes every failure matching any lockout parameter, the address's
    included: a success on one's own account then wiped the failures one had just made against
    another account from the same address, and the lockout could be walked around forever.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        name = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=name).delete()
        return count
