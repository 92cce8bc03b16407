"""nginx in front of gunicorn, for real: Debian's nginx on loopback, configured by
deploy/nginx/templates/default.conf.template rendered as docker compose's nginx image renders it,
in front of gunicorn with the production settings (tests/project/proxy_settings.py).

What it shows: slow clients that take every gunicorn worker when they reach it directly stall
nothing behind nginx (and nginx drops the ones that dribble their headers); throttles count the
address nginx sees, whatever X-Forwarded-For a client sends; the size limits are nginx's JSON
413/414/400 and never looser than the app's; nginx's own errors answer the API's JSON; the app
sees the scheme nginx serves, not the client's claim.

Started once for the module and always stopped: gunicorn (2 workers, SQLite in a temporary
folder; the cache is REDIS_URL's Redis when set, else files its workers share) and one nginx with
three servers from the template: plain HTTP, TLS (a throwaway self-signed certificate made with
openssl) and one whose upstream is down (the 502). The client timeout is rendered short (3 s)."""

import contextlib
import gzip
import http.client
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from gunicorn.config import Config as GunicornConfig

from config import gunicorn as production_gunicorn

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "deploy" / "nginx" / "templates"
TEMPLATE = TEMPLATES / "default.conf.template"
CACHE_TEMPLATE = TEMPLATES / "micro-cache.conf.template"  # http-level, rendered once
# http-level, rendered once, before the servers (they use its log format)
ACCESS_LOG_TEMPLATE = TEMPLATES / "access-log.conf.template"
COMPOSE = ROOT / "docker-compose.yml"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
OPENSSL = shutil.which("openssl")
MIME_TYPES = Path("/etc/nginx/mime.types")

CLIENT_TIMEOUT_S = 3  # NGINX_CLIENT_TIMEOUT as rendered here (production: 10s)
WORKERS = 2
SLOW_CLIENTS = WORKERS + 1  # enough to take every worker of a gunicorn they reach
DRIP_S = 0.5  # a slow client sends one more header line (or body byte) this often
LOGIN_RATE = 2  # THROTTLE_TOKEN_RATE, per minute
FRONT_END = "https://front.example"  # CORS_ALLOWED_ORIGINS
# The app's limits, which nginx must not exceed: DJANGO_MAX_BODY_BYTES and gunicorn's
# limit_request_line (config/gunicorn.py keeps gunicorn's default).
MAX_BODY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
REQUEST_LINE_LIMIT = getattr(
    production_gunicorn, "limit_request_line", GunicornConfig().limit_request_line
)

pytestmark = pytest.mark.proxy


def template_variables() -> set[str]:
    return {
        name
        for template in TEMPLATES.glob("*.template")
        for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", template.read_text())
    }


def render(template: Path = TEMPLATE, **values: str) -> str:
    """A template with its variables replaced, as the nginx image's entrypoint does (envsubst
    of the variables given, braced or not); every one must be given."""
    text = template.read_text()
    for name, value in values.items():
        text = re.sub(rf"\$(\{{{name}\}}|{name}\b)", lambda _, value=value: value, text)
    left = sorted(set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", text)))
    assert not left, f"template variables not given: {left}"
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- HTTP, plainly ---------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)

    @property
    def from_app(self) -> bool:
        """Django's middleware sets X-Frame-Options on each of its answers; nginx's have none."""
        return "x-frame-options" in self.headers

    def is_nginx_json(self, status: int, detail: str) -> bool:
        return (
            self.status == status
            and self.headers.get("content-type") == "application/json"
            and self.json() == {"detail": detail}
            and not self.from_app
        )


def request(
    port: int,
    method: str,
    path: str,
    *,
    cafile: Path | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
    timeout: float = 10,
) -> Answer:
    """One request on a new connection: TLS when ``cafile`` is given, from ``source``."""
    address = {"timeout": timeout, "source_address": (source, 0)}
    if cafile:
        context = ssl.create_default_context(cafile=str(cafile))
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, **address)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, **address)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, answer_headers, response.read())
    finally:
        connection.close()


def raw(port: int, data: bytes, timeout: float = 10) -> Answer:
    """Bytes as given (a request http.client would refuse to send); the answer read up to its
    Content-Length (nginx lingers on a connection whose body it refused)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed before an answer: {received!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
        while len(body) < int(headers.get("content-length", 0)):
            chunk = sock.recv(65536)
            assert chunk, "connection closed in the middle of the body"
            body += chunk
    return Answer(int(status_line.split()[1]), headers, body)


class SlowClient(threading.Thread):
    """A client that sends ``head`` and then ``drip`` every DRIP_S seconds, never finishing its
    request, until the server closes the connection (``closed``) or ``finish``."""

    def __init__(self, port: int, head: bytes, drip: bytes) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(head)
        self.drip = drip
        self.answer = b""
        self.closed = threading.Event()
        self.halt = threading.Event()

    def run(self) -> None:
        with contextlib.suppress(OSError):  # a reset: nginx resets a connection it timed out
            while not self.halt.is_set():
                if select.select([self.sock], [], [], DRIP_S)[0]:
                    data = self.sock.recv(65536)
                    if not data:
                        break
                    self.answer += data
                else:
                    self.sock.sendall(self.drip)
        if not self.halt.is_set():
            self.closed.set()

    def finish(self) -> None:
        self.halt.set()
        self.join(timeout=5)
        self.sock.close()


def slow_header_clients(port: int) -> list[SlowClient]:
    """Clients that send a request line and then one header line at a time, never the end."""
    return [
        SlowClient(
            port,
            b"GET /api/health/?slow-header=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n" % i,
            b"X-Dribble: 1\r\n",
        )
        for i in range(SLOW_CLIENTS)
    ]


def slow_body_clients(port: int) -> list[SlowClient]:
    """Clients that send their headers and then their body a byte at a time."""
    head = (
        b"POST /api/register/?slow-body=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    )
    return [SlowClient(port, head % i, b" ") for i in range(SLOW_CLIENTS)]


# --- The servers -------------------------------------------------------------------------------


@dataclass
class Stack:
    tmp: Path
    gunicorn: int  # gunicorn itself, as if it were published
    http: int  # nginx, plain HTTP
    https: int | None  # nginx, TLS (None without openssl to make a certificate)
    down: int  # nginx, in front of a port where nothing listens
    cafile: Path | None

    def gunicorn_access_log(self) -> str:
        return (self.tmp / "gunicorn-access.log").read_text()

    def logs(self) -> str:
        parts = []
        for name in ("gunicorn.log", "nginx-error.log"):
            with contextlib.suppress(OSError):
                text = (self.tmp / name).read_text(errors="replace")
                parts.append(f"--- {name}\n" + "\n".join(text.splitlines()[-30:]))
        return "\n".join(parts)


def _stop(process: subprocess.Popen, sig: signal.Signals = signal.SIGTERM) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    # Children of a master that died abruptly share its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _children(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return []


def _gunicorn_env(tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.project.proxy_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_NUM_PROXIES": "1",
        "DJANGO_MAX_BODY_BYTES": str(MAX_BODY),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "THROTTLE_TOKEN_RATE": f"{LOGIN_RATE}/min",
        "GUNICORN_ACCESS_LOG": str(tmp / "gunicorn-access.log"),
        "CORS_ALLOWED_ORIGINS": FRONT_END,  # the answers vary with Origin (micro-cache tests)
    }
    if os.environ.get("REDIS_URL"):
        env["CACHE_KEY_PREFIX"] = f"proxy-test-{secrets.token_hex(4)}"
    else:
        env["REDIS_URL"] = "redis://127.0.0.1:9/0"  # only for prod's check: files instead
        env["PROXY_TEST_CACHE_DIR"] = str(tmp / "cache")
    return env


@contextlib.contextmanager
def _gunicorn(tmp: Path, port: int, **extra_env: str) -> Iterator[subprocess.Popen]:
    """gunicorn on ``port``, its output (the app's log lines) in tmp/gunicorn.out."""
    env = {**_gunicorn_env(tmp), **extra_env}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", str(ROOT / "config" / "gunicorn.py"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--threads", "1",
        "--chdir", str(ROOT),
        "--no-control-socket",
        "--error-logfile", str(tmp / "gunicorn.log"),
    ]  # fmt: skip
    with (tmp / "gunicorn.out").open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "gunicorn exited"
            with contextlib.suppress(OSError):
                ready = request(port, "GET", "/api/health/", timeout=5).status == 200
                if ready and len(_children(process.pid)) >= WORKERS:
                    break
            assert time.monotonic() < deadline, "gunicorn not ready after 60 s"
            time.sleep(0.2)
        yield process
    finally:
        _stop(process)


def _certificate(tmp: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1 (key.pem, cert.pem in tmp), or None."""
    if not OPENSSL:
        return None
    subprocess.run(  # noqa: S603
        [
            OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem"),
        ],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return tmp / "cert.pem"


def _nginx_conf(tmp: Path, servers: list[str], cert: Path | None) -> Path:
    """The main configuration nginx's image (or Debian's package) would have, with every path
    under tmp, and the rendered servers in its http block."""
    for index, server in enumerate(servers):
        (tmp / f"server-{index}.conf").write_text(server)
    temp = tmp / "nginx-temp"
    temp.mkdir()
    lines = [
        # As root, nginx's workers would run as nobody, who cannot enter pytest's folders.
        "user root;" if os.geteuid() == 0 else "",
        "daemon off;",
        "worker_processes 1;",
        f"pid {tmp / 'nginx.pid'};",
        f"error_log {tmp / 'nginx-error.log'} info;",
        "events { worker_connections 512; }",
        "http {",
        f"    include {MIME_TYPES};" if MIME_TYPES.exists() else "",
        "    default_type application/octet-stream;",
        "    sendfile on;",
        f"    access_log {tmp / 'nginx-access.log'};",
        *(
            f"    {kind}_temp_path {temp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        *(
            [f"    ssl_certificate {cert};", f"    ssl_certificate_key {tmp / 'key.pem'};"]
            if cert
            else []
        ),
        *(f"    include {tmp / f'server-{index}.conf'};" for index in range(len(servers))),
        "}",
    ]
    conf = tmp / "nginx.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


@contextlib.contextmanager
def _nginx(tmp: Path, conf: Path, ports: list[int]) -> Iterator[subprocess.Popen]:
    with (tmp / "nginx.out").open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "nginx-error.log")],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        waiting = list(ports)
        while waiting:
            assert process.poll() is None, "nginx exited: " + (tmp / "nginx.out").read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", waiting[0])):
                waiting.pop(0)
                continue
            assert time.monotonic() < deadline, "nginx not listening after 20 s"
            time.sleep(0.1)
        yield process
    finally:
        _stop(process, signal.SIGTERM)  # SIGTERM: nginx's fast shutdown


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not NGINX:
        pytest.skip("needs nginx (Debian: apt-get install nginx-light)")
    tmp = tmp_path_factory.mktemp("proxy")
    gunicorn_port, http_port, down_port = free_port(), free_port(), free_port()
    cert = _certificate(tmp)
    https_port = free_port() if cert else None

    def server(listen: str, upstream: str) -> str:
        return render(
            NGINX_LISTEN=listen,
            API_UPSTREAM=upstream,
            NGINX_RESOLVER="127.0.0.1",  # unused: the upstreams are addresses
            NGINX_CLIENT_TIMEOUT=f"{CLIENT_TIMEOUT_S}s",
            NGINX_CLIENT_MAX_BODY_SIZE=str(MAX_BODY),
        )

    api = f"127.0.0.1:{gunicorn_port}"
    servers = [render(ACCESS_LOG_TEMPLATE), server(f"127.0.0.1:{http_port}", api)]
    servers.append(server(f"127.0.0.1:{down_port}", f"127.0.0.1:{free_port()}"))
    if https_port:
        servers.append(server(f"127.0.0.1:{https_port} ssl", api))
    servers.append(render(CACHE_TEMPLATE, NGINX_CACHE_DIR=str(tmp / "nginx-cache")))
    conf = _nginx_conf(tmp, servers, cert)
    result = Stack(tmp, gunicorn_port, http_port, https_port, down_port, cert)
    try:
        with (
            _gunicorn(tmp, gunicorn_port),
            _nginx(tmp, conf, [p for p in (http_port, down_port, https_port) if p]),
        ):
            yield result
    except (AssertionError, subprocess.CalledProcessError) as exc:
        output = getattr(exc, "stderr", b"") or b""
        raise AssertionError(f"{exc}\n{output.decode(errors='replace')}\n{result.logs()}") from exc


@pytest.fixture
def https(stack: Stack) -> Stack:
    if not stack.https:
        pytest.skip("needs openssl to make a certificate for the TLS server")
    return stack


# --- Slow clients ------------------------------------------------------------------------------


def test_slow_clients_reaching_gunicorn_take_every_worker(stack):
    """The fault, reproduced (gunicorn published as it was): while one more slow client than
    there are workers dribbles its headers, a normal request gets no answer."""
    slow = slow_header_clients(stack.gunicorn)
    for client in slow:
        client.start()
    try:
        with pytest.raises(TimeoutError):
            request(stack.gunicorn, "GET", "/api/health/", timeout=2)
    finally:
        for client in slow:
            client.finish()
    # Once they are gone, gunicorn answers again (for the tests that follow).
    assert request(stack.gunicorn, "GET", "/api/health/", timeout=30).status == 200


def test_behind_nginx_slow_clients_stall_nothing_and_slow_headers_are_dropped(stack):
    header_dribblers = slow_header_clients(stack.http)
    body_dribblers = slow_body_clients(stack.http)
    dribblers = header_dribblers + body_dribblers
    for client in dribblers:
        client.start()
    try:
        answers = [request(stack.http, "GET", "/api/health/") for _ in range(20)]
        if stack.https:
            answers += [
                request(stack.https, "GET", "/api/movies/", cafile=stack.cafile) for _ in range(5)
            ]
        connected_meanwhile = [not client.closed.is_set() for client in dribblers]
        deadline = time.monotonic() + CLIENT_TIMEOUT_S + 10  # nginx's header timeout, and slack
        for client in header_dribblers:
            client.closed.wait(timeout=max(0, deadline - time.monotonic()))
        body_dribblers_open = [not client.closed.is_set() for client in body_dribblers]
    finally:
        for client in dribblers:
            client.finish()

    assert [answer.status for answer in answers] == [200] * len(answers)
    assert all(connected_meanwhile), "every slow client was still sending while those answered"
    # nginx closed each header dribbler, with no answer, though it kept sending lines...
    assert [(client.closed.is_set(), client.answer) for client in header_dribblers] == [
        (True, b"")
    ] * SLOW_CLIENTS
    # ...and holds the body dribblers itself (a pause shorter than its timeout is allowed).
    assert all(body_dribblers_open)
    # gunicorn never saw any of them: nginx passes a request on only once it has it whole.
    access_log = stack.gunicorn_access_log()
    assert "/api/health/" in access_log
    assert "slow-header" not in access_log and "slow-body" not in access_log


# --- Client addresses and the throttles ------------------------------------------------------

LOGIN = json.dumps({"username": "nobody", "password": "Wrong-pass-123"}).encode()
JSON = {"Content-Type": "application/json"}


def _spoofing_headers() -> dict[str, str]:
    """What a client would send to pick its own throttle bucket, fresh each time."""
    fake = ".".join(str(secrets.randbelow(250) + 1) for _ in range(4))
    return {
        "X-Forwarded-For": f"1.2.3.4, {fake}",
        "X-Real-IP": fake,
        "X_Forwarded_For": fake,  # WSGI would read it as X-Forwarded-For (both dropped)
    }


def test_throttles_count_the_address_nginx_sees_whatever_x_forwarded_for_says(https):
    def login(source: str = "127.0.0.1") -> Answer:
        headers = {**JSON, **_spoofing_headers()}
        return request(
            https.https, "POST", "/api/token/", cafile=https.cafile, headers=headers,
            body=LOGIN, source=source,
        )  # fmt: skip

    allowed = [login() for _ in range(LOGIN_RATE)]
    over = login()
    other_client = login(source="127.0.0.2")

    assert [answer.status for answer in allowed] == [400] * LOGIN_RATE  # wrong credentials
    assert over.status == 429 and over.from_app
    assert list(over.json()) == ["detail"] and int(over.headers["retry-after"]) > 0
    # Another address has a count of its own: the app does not count nginx's address.
    assert other_client.status == 400


def test_gunicorn_reached_directly_would_believe_any_x_forwarded_for(stack):
    """Why gunicorn is no longer published: with DJANGO_NUM_PROXIES=1, a client that reaches it
    directly names its own address, a new one each time, and is never throttled."""

    def login(claimed_address: str, account: int) -> Answer:
        headers = {**JSON, "X-Forwarded-Proto": "https", "X-Forwarded-For": claimed_address}
        # A new account each time too: the lockout per account would stop one account's guesses.
        body = json.dumps({"username": f"nobody{account}", "password": "wrong"}).encode()
        return request(stack.gunicorn, "POST", "/api/token/", headers=headers, body=body)

    answers = [login(f"10.9.8.{i}", i) for i in range(LOGIN_RATE + 2)]
    assert [answer.status for answer in answers] == [400] * (LOGIN_RATE + 2)


# --- Limits and nginx's own errors -------------------------------------------------------------


def test_body_limit_is_the_apps_and_answers_json_413(https):
    at_limit = request(
        https.https, "POST", "/api/register/", cafile=https.cafile, headers=JSON,
        body=b"x" * MAX_BODY,
    )  # fmt: skip
    over = raw(
        https.http,
        b"POST /api/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1),
    )

    assert at_limit.status == 400 and at_limit.from_app  # passed on: the app's parse error
    assert over.is_nginx_json(413, "Request body too large.")


def test_an_import_upload_may_be_20_mb_and_no_more(https):
    """/api/imports/ takes a file of up to 20 MB (IMPORTS["MAX_UPLOAD_BYTES"]) with its
    multipart framing; past 21 MiB nginx answers 413 itself, in JSON."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + b"x" * (20 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    passed = request(
        https.https, "POST", "/api/imports/", cafile=https.cafile, headers=multipart, body=body
    )
    over = raw(
        https.http,
        b"POST /api/imports/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
        b"Content-Length: %d\r\n\r\n" % (21 * 1024 * 1024 + 1),
    )

    assert passed.status == 401 and passed.from_app  # passed on: no token
    assert over.is_nginx_json(413, "Request body too large.")


def test_request_line_limit_is_gunicorns_and_answers_json_414(https):
    def path(line_length: int) -> str:
        return "/api/" + "a" * (line_length - len("GET /api/ HTTP/1.1"))

    at_limit = request(https.https, "GET", path(REQUEST_LINE_LIMIT), cafile=https.cafile)
    over = raw(https.http, f"GET {path(REQUEST_LINE_LIMIT + 1)} HTTP/1.1\r\n\r\n".encode())

    # gunicorn would answer a longer line with a plain-text 400: nginx answers it first.
    assert at_limit.status == 404 and at_limit.from_app
    assert at_limit.json() == {"detail": "Not found."}
    assert over.is_nginx_json(414, "Request URI too long.")


def test_oversized_headers_and_broken_requests_answer_json_400(stack):
    one_big = raw(stack.http, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % (b"b" * 5000))
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 3000) for i in range(8))
    too_many = raw(stack.http, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    garbage = raw(stack.http, b"NOT HTTP AT ALL\r\n\r\n")
    version = raw(stack.http, b"GET / HTTP/2.7\r\nHost: x\r\n\r\n")

    assert one_big.is_nginx_json(400, "Request header or cookie too large.")
    assert too_many.is_nginx_json(400, "Request header or cookie too large.")
    assert garbage.is_nginx_json(400, "Bad request.")
    assert version.is_nginx_json(505, "HTTP version not supported.")


def test_upstream_down_is_json_502_and_nginx_hides_its_version(stack):
    down = request(stack.down, "GET", "/api/movies/")
    internal = request(stack.http, "GET", "/_errors/502.json")  # error pages are internal

    assert down.is_nginx_json(502, "Service temporarily unavailable, try again later.")
    assert internal.is_nginx_json(404, "Not found.")
    assert down.headers["server"] == internal.headers["server"] == "nginx"


# --- The scheme --------------------------------------------------------------------------------


def test_the_app_sees_the_scheme_nginx_serves_not_the_clients_claim(https):
    secure = request(https.https, "GET", "/api/movies/", cafile=https.cafile)
    claimed = request(
        https.http, "GET", "/api/movies/",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
    )  # fmt: skip
    health = request(https.http, "GET", "/api/health/")

    # Over TLS the app knows the request is secure: it answers, with HSTS.
    assert secure.status == 200 and "strict-transport-security" in secure.headers
    # Over plain HTTP nginx says "http" whatever the client claims: redirected to HTTPS, on the
    # host and port the client used (nginx passes its Host on).
    assert claimed.status == 301
    assert claimed.headers["location"] == f"https://127.0.0.1:{https.http}/api/movies/"
    assert "strict-transport-security" not in claimed.headers
    assert health.status == 200  # exempt from the redirect, for health checks


def test_json_is_compressed(https):
    answer = request(
        https.https, "GET", "/api/schema/?format=json", cafile=https.cafile,
        headers={"Accept-Encoding": "gzip"},
    )  # fmt: skip
    assert answer.status == 200 and answer.headers.get("content-encoding") == "gzip"
    assert "openapi" in json.loads(gzip.decompress(answer.body))


# --- The micro-cache of anonymous catalog reads ---------------------------------------------------


def _get(https: Stack, path: str, headers: dict[str, str] | None = None, source="127.0.0.1"):
    return request(
        https.https, "GET", path, cafile=https.cafile, headers=headers or {}, source=source
    )


def test_anonymous_catalog_reads_are_micro_cached(https):
    path = f"/api/movies/?micro={secrets.token_hex(4)}"
    first, second = _get(https, path), _get(https, path)
    genres = [_get(https, "/api/genres/").headers["x-cache-status"] for _ in range(2)]

    assert first.status == second.status == 200
    assert first.headers["x-cache-status"] == "MISS" and first.from_app
    assert second.headers["x-cache-status"] == "HIT" and second.body == first.body
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"].startswith("public, max-age=")
    assert genres[1] == "HIT"
    # A conditional GET of what nginx holds: its own 304, the app not asked.
    again = _get(https, path, {"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.headers["x-cache-status"] == "HIT"


def test_requests_with_credentials_bypass_the_micro_cache(https):
    path = f"/api/movies/?micro={secrets.token_hex(4)}"
    bearer = _get(https, path, {"Authorization": "Bearer not-a-token"})
    cookie = _get(https, path, {"Cookie": "access_token=not-a-token"})
    refresh = _get(https, path, {"Cookie": "refresh_token=x"})
    anonymous = _get(https, path)

    assert bearer.status == 401 and bearer.headers["x-cache-status"] == "BYPASS"
    assert cookie.headers["x-cache-status"] == "BYPASS" and cookie.from_app
    assert refresh.headers["x-cache-status"] == "BYPASS"
    # None of them was stored: the first anonymous request is a miss.
    assert anonymous.headers["x-cache-status"] == "MISS"
    # Nor is a cached answer given to a request with credentials.
    assert _get(https, path, {"Authorization": "Bearer x"}).status == 401


def test_micro_cache_keeps_one_answer_per_origin(https):
    path = f"/api/movies/?micro={secrets.token_hex(4)}"
    front = _get(https, path, {"Origin": FRONT_END})
    plain = _get(https, path)
    other = _get(https, path, {"Origin": "https://elsewhere.example"})
    front_again = _get(https, path, {"Origin": FRONT_END})

    assert "origin" in front.headers["vary"].lower()
    assert front.headers["access-control-allow-origin"] == FRONT_END
    assert plain.headers["x-cache-status"] == "MISS"  # another variant: not the front's
    assert "access-control-allow-origin" not in plain.headers
    assert "access-control-allow-origin" not in other.headers
    assert front_again.headers["x-cache-status"] == "HIT"
    assert front_again.headers["access-control-allow-origin"] == FRONT_END


def test_a_page_one_reader_filled_gives_no_other_reader_its_parameters(https):
    """#26, finding 4: nginx keys its entries on the whole URI, the app's cache on the
    parameters the list reads; a page the app stored for a request with 1,400 junk characters
    is served to the next reader with links of its own, which answer (the junk's links, each
    character percent-encoded, were over the request-line limit: a 414)."""
    word = f"poison{secrets.token_hex(4)}"  # a filter of its own: no entry, no count cached yet
    create = (
        "from tests.catalog.factories import MovieFactory\n"
        f"for n in range(3): MovieFactory(title='{word} {{n}}')"
    )
    subprocess.run(  # noqa: S603  # our own code, our own interpreter
        [sys.executable, "manage.py", "shell", "--command", create],
        cwd=ROOT, env=_gunicorn_env(https.tmp), check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    page = f"/api/movies/?search={word}&page_size=1&page=2"

    filler = _get(https, f"{page}&utm_content={'!' * 1400}")
    reader = _get(https, page)

    assert filler.status == 200 and filler.headers["x-cache-status"] == "MISS"
    assert reader.status == 200 and reader.headers["x-cache-status"] == "MISS"
    links = [reader.json()["next"], reader.json()["previous"]]  # type: ignore[index]
    for link in links:
        parts = urlsplit(link)
        followed = _get(https, f"{parts.path}?{parts.query}")
        assert followed.status == 200 and followed.json()["count"] == 3  # type: ignore[index]
    assert all("utm_content" not in link for link in links)


def _token(https: Stack, username: str, source: str) -> str:
    password = f"Pass-{secrets.token_hex(8)}"
    account = {"username": username, "email": f"{username}@example.com", "password": password}
    registered = request(
        https.https, "POST", "/api/register/", cafile=https.cafile, headers=JSON,
        body=json.dumps(account).encode(), source=source,
    )  # fmt: skip
    assert registered.status == 201, registered.body
    login = request(
        https.https, "POST", "/api/token/", cafile=https.cafile, headers=JSON,
        body=json.dumps({"username": username, "password": password}).encode(), source=source,
    )  # fmt: skip
    assert login.status == 200, login.body
    return login.json()["access"]


def test_micro_cache_never_serves_one_users_answer_to_another(https):
    names = [f"micro{secrets.token_hex(3)}" for _ in range(2)]
    tokens = [_token(https, name, f"127.0.0.{60 + i}") for i, name in enumerate(names)]

    for _ in range(2):  # twice: a second answer could come from a cache
        for name, token in zip(names, tokens, strict=True):
            for path in ("/api/me/", "/api/favorite-movies/", "/api/movies/"):
                answer = _get(https, path, {"Authorization": f"Bearer {token}"})
                assert answer.status == 200 and answer.from_app
                assert answer.headers.get("x-cache-status") in (None, "BYPASS")
                if path == "/api/me/":
                    assert answer.json()["username"] == name
                if path == "/api/favorite-movies/":
                    assert answer.headers["cache-control"] == "private, no-cache"
    anonymous = _get(https, "/api/favorite-movies/")
    assert anonymous.status == 401


# --- docker compose uses the same file ---------------------------------------------------------


def test_compose_puts_nginx_in_front_with_this_template_and_the_app_trusts_one_proxy():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    api, nginx = services["api"], services["nginx"]

    assert "ports" not in api, "gunicorn must be reached only through nginx"
    assert api["environment"]["DJANGO_NUM_PROXIES"] == "1"
    assert nginx["ports"]
    assert "./deploy/nginx/templates:/etc/nginx/templates:ro" in nginx["volumes"]
    assert template_variables() <= set(nginx["environment"])
    assert nginx["environment"]["API_UPSTREAM"] == "api:8000"
    # One limit for both: the same variable, with the same default.
    body_limit = nginx["environment"]["NGINX_CLIENT_MAX_BODY_SIZE"]
    assert body_limit == api["environment"]["DJANGO_MAX_BODY_BYTES"]
    assert body_limit.endswith(f":-{MAX_BODY}}}")
