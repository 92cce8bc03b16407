"""What an operator sees, in process: request ids, access lines, the 500's id, the metrics at
/metrics (scraped with prometheus-client's own parser) and the probes. The same through nginx
and gunicorn: test_observability_stack.py; Sentry: test_sentry.py."""

import io
import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import redis
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from catalog.models import SyncState
from core.logs import JsonLines
from core.redis import BreakerRedis
from core.request_ids import RequestIdFilter
from recommendations.models import RecommenderBuild
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "Obs3rvable-Pa55word!"


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict]]]:
    """Every line logged meanwhile, as the production handler writes it (JSON, request ids,
    redacted), parsed; ``.text()`` the raw output."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.text = stream.getvalue  # type: ignore[attr-defined]
    yield lines
    root.removeHandler(handler)


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "core.access"]


Samples = dict[tuple[str, frozenset], float]


def scrape(client, **headers: str) -> Samples:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: Samples, sample: str, **labels: str) -> float:
    return samples.get((sample, frozenset(labels.items())), 0.0)


# --- Request ids ---------------------------------------------------------------------------------


def test_each_answer_carries_a_request_id_and_keeps_a_safe_one(api_client):
    made = api_client.get(reverse("health-live"))
    other = api_client.get(reverse("health-live"))
    given = api_client.get(reverse("health-live"), HTTP_X_REQUEST_ID="edge-1234.abc_D")
    forged = api_client.get(reverse("health-live"), HTTP_X_REQUEST_ID="x\nforged: line")

    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != other["X-Request-ID"]
    assert given["X-Request-ID"] == "edge-1234.abc_D"
    assert "forged" not in forged["X-Request-ID"] and len(forged["X-Request-ID"]) == 32


def test_every_line_of_a_request_carries_its_id(api_client, log_lines):
    response = api_client.get("/api/no-such-thing/", HTTP_X_REQUEST_ID="trace-me")

    lines = log_lines()
    assert response.status_code == 404
    # The access line and Django's own "Not Found", logged after the middleware returned.
    assert {line["logger"] for line in lines} == {"core.access", "django.request"}
    assert {line["request_id"] for line in lines} == {"trace-me"}


def test_a_500_says_its_request_id_in_its_body_and_logs(client, settings, log_lines):
    settings.ROOT_URLCONF = "tests.project.urls_boom"
    client.raise_request_exception = False

    response = client.get("/api/boom/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred.", "request_id": request_id}
    error = next(line for line in log_lines() if line["logger"] == "django.request")
    assert error["level"] == "ERROR" and "RuntimeError: boom" in error["exc_info"]
    assert error["request_id"] == request_id


# --- The access line ---------------------------------------------------------------------------


def test_one_access_line_per_request_with_the_route_pattern_and_user(log_lines):
    user = UserFactory()
    movie = MovieFactory()
    client = client_for(user)

    detail = client.get(reverse("catalog:movie-detail", args=[movie.id]), {"q": "x@y.org"})
    favorites = client.get(reverse("favorites:favorite-movie-list"))

    lines = access_lines(log_lines())
    assert len(lines) == 2
    first, second = lines
    assert first["message"] == "GET /api/movies/{pk}/ 200"
    assert {k: first[k] for k in ("method", "route", "status", "user_id", "request_id")} == {
        "method": "GET",
        "route": "/api/movies/{pk}/",
        "status": 200,
        "user_id": user.pk,
        "request_id": detail["X-Request-ID"],
    }
    assert first["duration_ms"] > 0 and first["level"] == "INFO" and first["pid"] > 0
    assert second["route"] == "/api/favorite-movies/" and second["user_id"] == user.pk
    assert second["request_id"] == favorites["X-Request-ID"]
    # The pattern, never the path nor its query.
    assert f"/movies/{movie.id}/" not in log_lines.text() and "x@y.org" not in log_lines.text()


def test_an_anonymous_request_has_no_user_id_and_costs_no_session_query(
    api_client, log_lines, django_assert_num_queries
):
    with django_assert_num_queries(0):
        api_client.get(reverse("health-live"))

    (line,) = access_lines(log_lines())
    assert line["user_id"] is None and line["route"] == "/api/health/live/"


def test_no_token_password_or_address_reaches_the_logs(api_client, log_lines, monkeypatch):
    """A user's whole session, then a request that fails quoting the new address (as a database
    error would), written as production writes its lines: none of the values appear."""
    account = {"username": "watcher", "email": "watcher@example.com", "password": PASSWORD}
    new_email = "new.address+x@example.org"
    assert api_client.post(reverse("accounts:register"), account, format="json").status_code == 201
    login = {"username": "watcher", "password": PASSWORD}
    tokens = api_client.post(reverse("accounts:token-obtain"), login, format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    api_client.cookies["refresh_token"] = tokens["refresh"]
    assert api_client.get(reverse("accounts:me")).status_code == 200
    refreshed = api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}, format="json"
    )

    def failing(**kwargs):
        raise RuntimeError(f"Key (email)=({kwargs['email']}) already exists")

    monkeypatch.setattr("accounts.services.user_email_change", failing)
    api_client.raise_request_exception = False
    failed = api_client.patch(
        reverse("accounts:me"), {"email": new_email, "password": PASSWORD}, format="json"
    )

    assert refreshed.status_code == 200 and failed.status_code == 500
    output = log_lines.text()
    assert "RuntimeError" in output and "[redacted]" in output  # the failure was logged
    secrets = [PASSWORD, account["email"], new_email, tokens["access"], tokens["refresh"]]
    secrets += refreshed.json().values()
    assert [secret for secret in secrets if secret in output] == []


# --- Metrics ------------------------------------------------------------------------------------


def test_metrics_count_requests_by_route_and_status(api_client):
    before = scrape(api_client)
    for _ in range(3):
        api_client.get(reverse("catalog:movie-list"))
    api_client.get(reverse("catalog:movie-detail", args=[999_999]))
    after = scrape(api_client)

    def count(samples, route, status):
        name = "http_request_duration_seconds_count"
        return value(samples, name, method="GET", route=route, status=status)

    assert count(after, "/api/movies/", "200") - count(before, "/api/movies/", "200") == 3
    assert count(after, "/api/movies/{pk}/", "404") - count(before, "/api/movies/{pk}/", "404") == 1
    bucket = value(
        after,
        "http_request_duration_seconds_bucket",
        method="GET",
        route="/api/movies/",
        status="200",
        le="+Inf",
    )
    assert bucket == count(after, "/api/movies/", "200")


def test_metrics_count_cache_hits_and_misses_by_namespace(api_client):
    before = scrape(api_client)
    api_client.get(reverse("catalog:movie-list"))  # a miss, stored
    api_client.get(reverse("catalog:movie-list"))  # a hit
    after = scrape(api_client)

    def moved(result):
        name, labels = "cache_reads_total", {"namespace": "catalog:movies", "result": result}
        return value(after, name, **labels) - value(before, name, **labels)

    assert (moved("miss"), moved("hit")) == (1, 1)


def test_metrics_count_throttled_requests(api_client, throttle_rates):
    throttle_rates(register="1/min")
    before = scrape(api_client)
    answers = [
        api_client.post(reverse("accounts:register"), {}, format="json").status_code
        for _ in range(2)
    ]
    after = scrape(api_client)

    name = "throttled_requests_total"
    assert answers == [400, 429]
    assert value(after, name, scope="register") - value(before, name, scope="register") == 1


def test_metrics_show_the_redis_breaker_opening(api_client):
    with socket.socket() as sock:  # a port where nothing listens: a stopped Redis
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = BreakerRedis(host="127.0.0.1", port=port, socket_connect_timeout=0.2)
    server = f"127.0.0.1:{port}"

    with pytest.raises(redis.ConnectionError):
        client.get("anything")
    samples = scrape(api_client)

    assert value(samples, "redis_breaker_state", server=server) == 2  # open
    assert value(samples, "redis_breaker_opens_total", server=server) == 1


def test_metrics_report_how_long_ago_the_jobs_last_succeeded(api_client):
    assert ("last_success_age_seconds", frozenset({("name", "tmdb_sync")})) not in scrape(
        api_client
    )
    now = timezone.now()
    SyncState.objects.create(name="changes", last_run_at=now - timedelta(minutes=10))
    RecommenderBuild.objects.create(completed_at=now - timedelta(hours=2))
    RecommenderBuild.objects.create()  # started, not completed: not a success

    samples = scrape(api_client)

    sync = value(samples, "last_success_age_seconds", name="tmdb_sync")
    build = value(samples, "last_success_age_seconds", name="recommendations_build")
    assert 600 <= sync < 660 and 7200 <= build < 7260


def test_metrics_answer_while_the_database_is_down(api_client, monkeypatch):
    SyncState.objects.create(name="changes", last_run_at=timezone.now())

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    samples = scrape(api_client)  # a 200

    assert not [key for key in samples if key[0] == "last_success_age_seconds"]


def test_metrics_need_the_token_when_one_is_set(api_client, settings):
    settings.METRICS_TOKEN = "scrape-secret-123"

    missing = api_client.get("/metrics")
    wrong = api_client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-124")
    samples = scrape(api_client, HTTP_AUTHORIZATION="Bearer scrape-secret-123")

    assert missing.status_code == wrong.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert missing.json() == {"detail": "Invalid metrics token."}
    name = "http_request_duration_seconds_count"
    assert value(samples, name, method="GET", route="/metrics", status="401") >= 2


# --- Probes --------------------------------------------------------------------------------------


def test_live_touches_nothing(api_client, django_assert_num_queries, redis_commands):
    with django_assert_num_queries(0):
        response = api_client.get("/api/health/live")

    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert redis_commands == []


def test_ready_is_200_and_degraded_while_the_cache_is_down(api_client, cache_down):
    ready = api_client.get("/api/health/ready")
    old = api_client.get("/api/health/")

    assert ready.status_code == old.status_code == 200
    assert ready.json() == old.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_ready_is_503_while_the_database_is_down(api_client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)

    ready = api_client.get("/api/health/ready")
    live = api_client.get("/api/health/live")

    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "error", "cache": "ok"}
    assert live.status_code == 200


# --- Tasks ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the (eager) task runs as the request commits
def test_a_task_runs_under_its_requests_id_logged_and_counted(api_client, log_lines):
    task = "accounts.tasks.password_reset_email"
    before = scrape(api_client)
    response = api_client.post(
        reverse("accounts:password-reset"), {"email": "someone@example.com"}, format="json"
    )
    after = scrape(api_client)

    assert response.status_code == 202
    lines = [line for line in log_lines() if line["logger"] == "core.tasks"]
    assert [line["message"] for line in lines] == [f"task {task} started", f"task {task} success"]
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert lines[1]["outcome"] == "success" and lines[1]["duration_ms"] >= 0
    moved = value(after, "celery_tasks_total", task=task, outcome="success") - value(
        before, "celery_tasks_total", task=task, outcome="success"
    )
    assert moved == 1
    assert value(after, "celery_task_duration_seconds_count", task=task) >= 1
    assert "someone@example.com" not in log_lines.text()


def test_a_worker_runs_a_task_under_the_id_of_the_request_that_queued_it(
    api_client, celery_worker, log_lines
):
    response = api_client.post(
        reverse("accounts:password-reset"),
        {"email": "reader@example.com"},
        format="json",
        HTTP_X_REQUEST_ID="queued-by-this-request",
    )

    assert response.status_code == 202
    deadline = time.monotonic() + 20
    while not [line for line in log_lines() if line.get("outcome") == "success"]:
        assert time.monotonic() < deadline, "the worker did not run the task"
        time.sleep(0.05)
    worker = [line for line in log_lines() if line["logger"] == "core.tasks"]
    assert {line["request_id"] for line in worker} == {"queued-by-this-request"}
