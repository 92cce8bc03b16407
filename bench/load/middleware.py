"""Bench-only middleware: the number of SQL statements a request ran, as a response header."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Queries"
# Savepoints are transaction control, not queries (as bench.common.captured counts them).
IGNORED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class QueryCountMiddleware:
    """Counts the statements run on the default database while the request is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            nonlocal count
            if not sql.startswith(IGNORED):
                count += 1
            return execute(sql, *args)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
