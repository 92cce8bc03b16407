"""The generated TypeScript client (clients/typescript/) against a live server started here.

gunicorn serves the API (config.settings.test, DEBUG off, throttles lifted) on a free port, on a
fresh database holding the demo catalog: a temporary SQLite file, or, when the suite runs on
PostgreSQL (.ci/run's second pass), a scratch PostgreSQL database next to the suite's, with the
suite's Redis as the cache. Then, in clients/typescript/: `npm ci` (only when package-lock.json
changed since the last install), openapi-typescript writes generated/schema.d.ts from the live
/api/schema/, `tsc --strict` type-checks the flow against it, the response checker's own tests
run, and tsx runs the flow (register, log in, movies, favorites, refresh, recommendations, log
out), each response validated against its schema with Ajv. All three run; the test fails with
the output of those that failed. Skipped only when Node.js or npm is missing.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"
# The sha256 of the package-lock.json last installed by `npm ci` (the Makefile writes it too).
STAMP = CLIENT / "node_modules" / ".installed"
NODE = shutil.which("node")
NPM = shutil.which("npm")
LIFTED_THROTTLES = {
    f"THROTTLE_{scope}_RATE": "100000/min"
    for scope in ("TOKEN", "REFRESH", "REGISTER", "FAVORITES_WRITE", "ANON")
}

pytestmark = [
    pytest.mark.typescript,
    pytest.mark.skipif(
        not (NODE and NPM),
        reason="Node.js and npm are not installed: the TypeScript client test needs them "
        "(https://nodejs.org, 20.19 or later)",
    ),
]


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(  # noqa: S603 (fixed commands)
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def output(result: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(result.args)}  (exit {result.returncode})\n{result.stdout}{result.stderr}"


def npm_ci() -> None:
    digest = hashlib.sha256((CLIENT / "package-lock.json").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == digest:
        return
    result = run([NPM, "ci", "--no-audit", "--no-fund"], cwd=CLIENT)
    if result.returncode:
        pytest.fail(f"npm ci failed in {CLIENT}:\n{output(result)}", pytrace=False)
    STAMP.write_text(f"{digest}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_database(tmp_path_factory):
    """A DATABASE_URL for the server: a fresh SQLite file, or a scratch PostgreSQL database when
    the suite runs on PostgreSQL (dropped afterwards)."""
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        yield f"sqlite:///{tmp_path_factory.mktemp('typescript') / 'api.sqlite3'}"
        return
    import psycopg2
    from psycopg2 import sql

    name = f"{database['NAME']}_tsclient_{os.getpid()}"
    admin = psycopg2.connect(
        dbname="postgres", user=database["USER"], password=database["PASSWORD"],
        host=database["HOST"], port=database["PORT"],
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


@pytest.fixture(scope="module")
def api_server(server_database, tmp_path_factory):
    redis_url = os.environ.get("REDIS_URL", "")
    env = {
        **os.environ, **LIFTED_THROTTLES,
        "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_DEBUG": "false",
        "DATABASE_URL": server_database, "REDIS_URL": redis_url, "JWT_COOKIE_MODE": "false",
    }  # fmt: skip
    for command in (["migrate", "--noinput"], ["load_demo_catalog"]):
        result = run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env)
        if result.returncode:
            pytest.fail(f"setting up the server failed:\n{output(result)}", pytrace=False)
    port = free_port()
    # The local-memory cache is per process: one worker unless Redis is shared between them.
    workers = ["--workers", "2"] if redis_url else ["--workers", "1", "--threads", "4"]
    log_file = (tmp_path_factory.mktemp("gunicorn") / "gunicorn.log").open("w+")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", *workers, "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base_url}/api/health/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or slow on a busy machine
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log_file.seek(0)
                pytest.fail(f"the server did not start:\n{log_file.read()}", pytrace=False)
            time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()


def test_typescript_client_flow_matches_the_schema(api_server):
    npm_ci()
    env = {**os.environ, "API_BASE_URL": api_server, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    generate = run([NPM, "run", "--silent", "generate"], cwd=CLIENT, env=env)
    if generate.returncode:
        pytest.fail(f"openapi-typescript failed:\n{output(generate)}", pytrace=False)
    # Each runs even when another fails, so that one run shows every problem.
    results = [
        run([NPM, "run", "--silent", script], cwd=CLIENT, env=env)
        for script in ("typecheck", "selftest", "flow")
    ]
    if any(result.returncode for result in results):
        pytest.fail(
            "the TypeScript client does not match the API (clients/typescript/):\n\n"
            + "\n".join(output(result) for result in results if result.returncode),
            pytrace=False,
        )
