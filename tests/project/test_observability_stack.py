"""What an operator sees of the deployed stack, for real: Debian's nginx configured by
deploy/nginx/templates in front of gunicorn (2 sync workers, production settings and logging:
tests/project/proxy_settings.py), as test_proxy.py runs them, and a Celery worker process
(`celery -A config worker`) on a broker they share (the filesystem transport).

One request's id in nginx's log line, the app's lines, the worker's lines for the task it
queued, and the answer; the micro-cache's status and the upstream time in nginx's line; /metrics
refused by nginx, answered by gunicorn only to the token's bearer, and counting every worker's
requests."""

import contextlib
import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.project.test_proxy import (
    ACCESS_LOG_TEMPLATE,
    CACHE_TEMPLATE,
    CLIENT_TIMEOUT_S,
    JSON,
    MAX_BODY,
    NGINX,
    ROOT,
    _gunicorn,
    _gunicorn_env,
    _nginx,
    _nginx_conf,
    _stop,
    free_port,
    render,
    request,
)

pytestmark = pytest.mark.proxy

METRICS_TOKEN = secrets.token_urlsafe(24)
BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@dataclass
class Stack:
    tmp: Path
    gunicorn: int
    nginx: int

    def lines(self, name: str) -> list[dict]:
        """The JSON lines of a log: "gunicorn.out" (gunicorn's and the app's), "nginx.out"."""
        text = (self.tmp / name).read_text(errors="replace")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def wait_for(self, name: str, request_id: str, count: int = 1) -> list[dict]:
        """The lines of ``name`` with that request id, once there are ``count`` (a worker
        writes its access line after it sent the answer)."""
        deadline = time.monotonic() + 10
        while True:
            found = [line for line in self.lines(name) if line.get("request_id") == request_id]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextlib.contextmanager
def _worker(tmp: Path, **env: str) -> Iterator[subprocess.Popen]:
    """A Celery worker process as deployed (`celery -A config worker`), one process (solo)."""
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    environment = {**_gunicorn_env(tmp), **env}
    with (tmp / "worker.out").open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not NGINX:
        pytest.skip("needs nginx (Debian: apt-get install nginx-light)")
    tmp = tmp_path_factory.mktemp("observability")
    gunicorn_port, nginx_port = free_port(), free_port()
    server = render(
        NGINX_LISTEN=f"127.0.0.1:{nginx_port}",
        API_UPSTREAM=f"127.0.0.1:{gunicorn_port}",
        NGINX_RESOLVER="127.0.0.1",
        NGINX_CLIENT_TIMEOUT=f"{CLIENT_TIMEOUT_S}s",
        NGINX_CLIENT_MAX_BODY_SIZE=str(MAX_BODY),
    )
    cache = render(CACHE_TEMPLATE, NGINX_CACHE_DIR=str(tmp / "nginx-cache"))
    conf = _nginx_conf(tmp, [render(ACCESS_LOG_TEMPLATE), server, cache], None)
    broker = tmp / "broker"
    for folder in (broker, tmp / "broker-control"):
        folder.mkdir()
    shared = {"PROXY_TEST_BROKER_DIR": str(broker), "DJANGO_SECURE_SSL_REDIRECT": "false"}
    with (
        _gunicorn(tmp, gunicorn_port, METRICS_TOKEN=METRICS_TOKEN, **shared),
        _worker(tmp, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", **shared),
        _nginx(tmp, conf, [nginx_port]),
    ):
        yield Stack(tmp, gunicorn_port, nginx_port)


def test_one_request_id_in_the_answer_nginx_and_the_app(stack):
    answer = request(stack.nginx, "GET", "/api/genres/")
    request_id = answer.headers["x-request-id"]

    (edge,) = stack.wait_for("nginx.out", request_id)
    app = stack.wait_for("gunicorn.out", request_id)
    assert answer.status == 200 and len(request_id) == 32
    assert edge["path"] == "/api/genres/" and edge["status"] == 200
    assert float(edge["upstream_time"]) > 0 and edge["cache"] == "MISS"
    (access,) = [line for line in app if line["logger"] == "core.access"]
    assert access["route"] == "/api/genres/" and access["status"] == 200


def test_one_request_id_in_nginx_the_app_and_the_worker_that_ran_its_task(stack):
    """A password reset queues the e-mail's task: its id is in all three logs, its address in
    none of them."""
    address = f"reset-{secrets.token_hex(3)}@example.com"
    body = json.dumps({"email": address}).encode()

    answer = request(stack.nginx, "POST", "/api/password-reset/", headers=JSON, body=body)
    request_id = answer.headers["x-request-id"]

    assert answer.status == 202
    (edge,) = stack.wait_for("nginx.out", request_id)
    app = stack.wait_for("gunicorn.out", request_id)
    worker = stack.wait_for("worker.out", request_id, count=2)
    assert edge["path"] == "/api/password-reset/" and edge["status"] == 202
    assert [line["route"] for line in app if line["logger"] == "core.access"] == [
        "/api/password-reset/"
    ]
    task = "accounts.tasks.password_reset_email"
    assert [line["message"] for line in worker if line["logger"] == "core.tasks"] == [
        f"task {task} started",
        f"task {task} success",
    ]
    for log in ("nginx.out", "gunicorn.out", "worker.out"):
        assert address not in (stack.tmp / log).read_text()


def test_a_clients_safe_id_is_kept_and_an_unsafe_one_replaced(stack):
    kept = request(stack.nginx, "GET", "/api/health/live", headers={"X-Request-ID": "trace.42"})
    replaced = request(stack.nginx, "GET", "/api/health/live", headers={"X-Request-ID": "a b"})

    assert kept.headers["x-request-id"] == "trace.42"
    assert stack.wait_for("nginx.out", "trace.42") and stack.wait_for("gunicorn.out", "trace.42")
    new = replaced.headers["x-request-id"]
    assert new != "a b" and len(new) == 32
    assert stack.wait_for("gunicorn.out", new)  # the app logs the id nginx gave it


def test_a_micro_cache_hit_is_logged_by_nginx_alone(stack):
    path = f"/api/movies/?observe={secrets.token_hex(4)}"
    first, second = request(stack.nginx, "GET", path), request(stack.nginx, "GET", path)
    ids = first.headers["x-request-id"], second.headers["x-request-id"]

    assert ids[0] != ids[1]  # a HIT gets its own id, not the stored answer's
    assert second.headers["x-cache-status"] == "HIT"
    (hit,) = stack.wait_for("nginx.out", ids[1])
    assert hit["cache"] == "HIT" and hit["upstream_time"] == ""
    assert hit["path"] == "/api/movies/" and "observe" not in json.dumps(hit)  # no query
    time.sleep(0.3)
    assert stack.wait_for("gunicorn.out", ids[1]) == []


def test_metrics_are_refused_from_outside_and_need_the_token_inside(stack):
    outside = request(stack.nginx, "GET", "/metrics", headers=BEARER)
    no_token = request(stack.gunicorn, "GET", "/metrics")
    inside = request(stack.gunicorn, "GET", "/metrics", headers=BEARER)

    assert outside.is_nginx_json(404, "Not found.") and "x-request-id" in outside.headers
    assert no_token.status == 401
    assert inside.status == 200
    families = {f.name for f in text_string_to_metric_families(inside.body.decode())}
    assert {"http_request_duration_seconds", "cache_reads"} <= families


def _count(stack: Stack, route: str) -> float:
    body = request(stack.gunicorn, "GET", "/metrics", headers=BEARER).body.decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "http_request_duration_seconds_count" and sample.labels["route"] == route
    )


def test_metrics_count_every_workers_requests(stack):
    tag = f"workers-{secrets.token_hex(3)}"
    before = _count(stack, "/api/health/live/")
    sent = 40
    threads = [
        threading.Thread(
            target=lambda i=i: request(
                stack.gunicorn, "GET", "/api/health/live", headers={"X-Request-ID": f"{tag}-{i}"}
            )
        )
        for i in range(sent)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with contextlib.suppress(AssertionError):
        stack.wait_for("gunicorn.out", f"{tag}-{sent - 1}")
    lines = [
        line
        for line in stack.lines("gunicorn.out")
        if str(line.get("request_id", "")).startswith(tag) and line["logger"] == "core.access"
    ]
    assert len(lines) == sent
    assert len({line["pid"] for line in lines}) == 2  # both workers served some
    # Each scrape, whichever worker answers it, counts them all.
    assert [_count(stack, "/api/health/live/") - before for _ in range(4)] == [sent] * 4
