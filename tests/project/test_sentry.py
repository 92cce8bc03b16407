"""Error reports to Sentry carry no personal data: the DSN points at a local HTTP server that
records what arrives, and a process started with SENTRY_DSN (sentry_session.py) has a request
fail that carries a bearer token, a refresh cookie, a password and two e-mail addresses (one in
the exception's message). The event arrives, tagged with the request's id, and neither it nor
the process's log lines hold any of those values, nor the Authorization or Cookie header."""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Recorded(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding:
            raise AssertionError(f"unexpected Content-Encoding {encoding}")
        self.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[tuple[str, list]]:
    received: list[tuple[dict[str, str], bytes]] = []
    handler = type("Handler", (Recorded,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_address[1]}/1", received
    finally:
        server.shutdown()
        server.server_close()


def test_an_error_report_carries_no_token_cookie_password_or_address(sentry_server, tmp_path):
    dsn, received = sentry_server
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SENTRY_DSN": dsn,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
    }
    env.pop("REDIS_URL", None)  # local memory: this process's cache only
    process = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("sentry_session.py")), str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr[-3000:]
    result = json.loads(out.read_text())

    assert result["status"] == 500
    events = [
        json.loads(line)
        for _, body in received
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    ]
    assert events, f"no event reached the DSN's server: {received}"
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == result["request_id"]
    request = event.get("request", {})
    headers = {name.lower(): value for name, value in request.get("headers", {}).items()}
    assert "cookie" not in headers or headers["cookie"] in ("", "[Filtered]")
    assert headers.get("authorization") in (None, "[Filtered]")
    assert "user" not in event and not request.get("cookies") and not request.get("data")
    sent = b"\n".join(json.dumps(h).encode() + b"\n" + body for h, body in received).decode()
    logs = process.stderr
    assert "RuntimeError" in logs  # the failure was logged too
    for secret in result["secrets"]:
        assert secret not in sent, f"sent to Sentry: {secret}"
        assert secret not in logs, f"logged: {secret}"
