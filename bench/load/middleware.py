"""Bench-only middleware: the number of SQL statements a request ran, as a response header.

The counter is installed once on each database connection as it opens (``connection_created``),
not around each request: ``connection.execute_wrapper`` per request cost the bare stack about
40 us of CPU in process (the ``stack`` scenario measures production's middleware, not this).
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Queries"
# Savepoints are transaction control, not queries (as bench.common.captured counts them).
IGNORED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")

_statements = threading.local()  # each thread's request (gthread workers serve several)


def _count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
    if not sql.startswith(IGNORED):
        _statements.count = getattr(_statements, "count", 0) + 1
    return execute(sql, *args)


@receiver(connection_created, dispatch_uid="bench.load.middleware.count")
def _install(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # The wrappers belong to the connection's handler, which outlives a reconnection.
    if connection.alias == DEFAULT_DB_ALIAS and _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


class QueryCountMiddleware:
    """Counts the statements run on the default database while the request is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _statements.count = 0
        response = self.get_response(request)
        response[HEADER] = str(_statements.count)
        return response
