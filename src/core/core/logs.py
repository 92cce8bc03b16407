"""Log formats: one JSON object per line (python-json-logger) in production, plain text under
``make run``; both with the request's id and with e-mail addresses and tokens masked.

Nothing logs a password, a token or an address on purpose (the access line has none of the
request's path, headers or body), but an exception's message may quote what it was given (a
database's "Key (email)=(...) already exists"): ``redact`` masks what can be recognised.
Also used on what is sent to Sentry (config/sentry.py).
"""

import logging
import re
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# What a record gathers that no line of ours shows (the caller's file, line and function, the
# thread's and the process's names; the pid is shown): off, as the logging HOWTO's
# "Optimization" advises, in every process that formats with this module (LOGGING, gunicorn's
# config). The caller's frame search was most of it: 10-15 us of an access line's ~110 us in
# process (docs/performance.md). Sentry reads them only for its logs product, which is off.
logging._srcfile = None
logging.logThreads = False
logging.logMultiprocessing = False

SECRETS = re.compile(
    # an e-mail address
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    # a JWT (three base64url parts, the first two JSON objects: "eyJ")
    r"|eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+"
    # a bearer credential
    r"|(?i:bearer)\s+[\w.~+/=-]+"
)
# What each of them contains: lines without any (nearly all) skip the expression.
_MARKS = ("@", "eyJ", "earer", "EARER")
MASK = "[redacted]"


def redact(text: str) -> str:
    if any(mark in text for mark in _MARKS):
        return SECRETS.sub(MASK, text)
    return text


class JsonLines(JsonFormatter):
    """python-json-logger's formatter (fields: time, level, logger, pid, message, request_id,
    the record's extras, exc_info), its output redacted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s")
        kwargs.setdefault(
            "rename_fields",
            {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PlainLines(logging.Formatter):
    """Human-readable lines (``make run``), redacted the same way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
