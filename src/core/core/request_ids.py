"""The id of the request being served, for its log lines, its error reports and its tasks.

nginx gives each request one (``X-Request-ID``: its own ``$request_id``, or the client's when
that is a short token of safe characters); ``core.access.AccessMiddleware`` takes it, or makes
one when the app is reached directly, and binds it here for the request's lifetime. A task the
request queues carries it in its headers and binds it while it runs (``core.task_signals``).
"""

import os
import re
from contextvars import ContextVar, Token
from logging import Filter, LogRecord
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# What nginx passes on from a client too (deploy/nginx/templates/access-log.conf.template):
# nothing that could break a log line or a header, nothing long.
SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request (or task) being served; None outside one."""
    return _current.get()


def bind(value: str | None) -> Token[str | None]:
    """Make ``value`` the current id (None: no request); ``reset`` with the token returned puts
    the previous one back."""
    return _current.set(value)


def reset(token: Token[str | None]) -> None:
    _current.reset(token)


@receiver(request_finished, dispatch_uid="core.request_ids.unbind")
def _unbind(sender: object, **kwargs: Any) -> None:
    """The response was sent and closed: what is logged next belongs to no request."""
    _current.set(None)


def accepted(value: str | None) -> str:
    """``value`` when it is a safe id, else a new one: 32 random hex digits, as nginx's
    ``$request_id`` (``uuid.uuid4().hex`` was 4 us more per request, in process)."""
    if value and SAFE.fullmatch(value):
        return value
    return os.urandom(16).hex()


class RequestIdFilter(Filter):
    """Puts the current id on every record (``request_id``, null outside a request)."""

    def filter(self, record: LogRecord) -> bool:
        record.request_id = _current.get()
        return True
