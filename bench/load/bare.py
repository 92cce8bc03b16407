"""The bare ceiling: a WSGI callable with no Django, served by a second gunicorn."""

from collections.abc import Callable, Iterable

BODY = b'{"status":"ok","service":"movie-recommendation"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
