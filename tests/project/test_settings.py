"""Production settings refuse unsafe values and pass Django's deployment checklist; settings
derived from the environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_KEY = "insecure-dev-only-key-change-me-0123456789abcdef"  # base.py's
DOCKERFILE_KEY = "build-only-collectstatic-key-not-used-at-run-time-0123456789"  # until 2.0.0
SAMPLE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "k" * 20 + "-8f3a9c0e1b7d4f2a6c5e9b0d3f1a7c4e2b8d6f0a",
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
    "DJANGO_NUM_PROXIES": "1",
    "CORS_ALLOWED_ORIGINS": "https://www.example.com",
    "DATABASE_URL": "sqlite:////tmp/prod-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "TMDB_API_KEY": "sample-tmdb-key",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_prod_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **SAMPLE_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "a" * 50}, "DJANGO_SECRET_KEY"),  # long, but no entropy
        ({"DJANGO_SECRET_KEY": "ab" * 40}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": DEV_KEY}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": DOCKERFILE_KEY}, "DJANGO_SECRET_KEY"),
        ({"JWT_SIGNING_KEY": "changeme"}, "JWT_SIGNING_KEY"),
        ({"JWT_SIGNING_KEY": "x" * 64}, "JWT_SIGNING_KEY"),
        ({"DJANGO_NUM_PROXIES": ""}, "DJANGO_NUM_PROXIES"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"REDIS_URL": ""}, "REDIS_URL must be set"),
        ({"CELERY_BROKER_URL": "filesystem://"}, "CELERY_BROKER_URL"),
        ({"CELERY_BROKER_URL": "memory://"}, "CELERY_BROKER_URL"),
    ],
)
def test_prod_refuses_unsafe_values(override, message):
    env = {**SAMPLE_ENV, **override}
    env = {k: v for k, v in env.items() if v != ""}

    result = manage("check", **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_empty_link_pages_are_the_defaults_as_docker_compose_passes_them():
    code = "from django.conf import settings as s; print(s.ACCOUNTS['PASSWORD_RESET_URL'], s.ACCOUNTS['EMAIL_VERIFY_URL'])"  # noqa: E501
    env = {**SAMPLE_ENV, "PASSWORD_RESET_URL": "", "EMAIL_VERIFY_URL": ""}

    result = manage("shell", "-v", "0", "-c", code, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "http://localhost:5173/reset-password?uid={uid}&token={token}",
        "http://localhost:5173/verify-email?uid={uid}&token={token}",
    ]


def test_prod_refuses_job_locks_that_only_one_machine_sees():
    result = manage("check", **SAMPLE_ENV, JOB_LOCK_REDIS_URL="")

    assert result.returncode != 0
    assert "JOB_LOCK_REDIS_URL must not be empty" in result.stderr


@pytest.mark.parametrize(("samesite", "secure"), [("Lax", "False"), ("None", "True")])
def test_jwt_cookie_samesite_sets_the_csrf_cookie_too(samesite, secure):
    """A front end on another site (JWT_COOKIE_SAMESITE=None) needs the csrftoken cookie
    SameSite=None and Secure outside production too: browsers drop SameSite=None cookies that
    are not Secure, and every write would fail "CSRF cookie not set" (seen in a real browser by
    tests/project/test_cookie_mode_browser.py)."""
    script = (
        "from django.conf import settings\n"
        "print(settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE)\n"
    )
    result = manage(
        "shell", "-c", script,
        DJANGO_SETTINGS_MODULE="config.settings.dev", JWT_COOKIE_SAMESITE=samesite,
    )  # fmt: skip

    assert result.stdout.split()[-2:] == [samesite, secure], result.stderr


def test_prod_sends_security_headers():
    script = (
        "from django.test import Client\n"
        "r = Client().get('/api/health/', secure=True, HTTP_HOST='api.example.com')\n"
        "for name in ('Strict-Transport-Security', 'X-Content-Type-Options', 'Referrer-Policy',"
        " 'X-Frame-Options', 'Cross-Origin-Opener-Policy', 'Content-Security-Policy'):\n"
        "    print(f'{name}: {r.headers.get(name)}')\n"
    )
    result = manage("shell", "-c", script, **SAMPLE_ENV)

    assert result.returncode == 0, result.stderr
    headers = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_prod_redirects_plain_http_except_the_probes_and_metrics():
    script = (
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='api.example.com')\n"
        "paths = ['/api/movies/', '/api/health/', '/api/health/live', '/api/health/ready/',"
        " '/metrics']\n"
        "print(*(c.get(path).status_code for path in paths))\n"
    )
    result = manage("shell", "-c", script, **SAMPLE_ENV)

    assert result.stdout.split()[-5:] == ["301", "200", "200", "200", "200"], result.stderr


def test_gunicorn_config_serves_the_prod_app():
    env = {**SAMPLE_ENV, "GUNICORN_WORKERS": "5", "GUNICORN_THREADS": "4"}
    script = (  # the Dockerfile's command line, loaded but not run
        "import sys\n"
        "from gunicorn.app.wsgiapp import WSGIApplication\n"
        "sys.argv = ['gunicorn', '-c', 'config/gunicorn.py']\n"
        "app = WSGIApplication('%(prog)s [OPTIONS]')\n"
        "print(app.cfg.workers, app.cfg.threads, app.cfg.wsgi_app, callable(app.load()))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["5", "4", "config.wsgi:application", "True"]


@pytest.mark.parametrize(
    ("settings_module", "value", "expected"),
    [
        ("config.settings.prod", None, "None"),  # MovieLens is non-commercial: opt in only
        (
            "config.settings.prod",
            "prior/movielens-cofavorites.csv.gz",
            "prior/movielens-cofavorites.csv.gz",
        ),
        ("config.settings.dev", None, "prior/movielens-cofavorites.csv.gz"),
        ("config.settings.dev", "", "None"),
    ],
)
def test_the_community_prior_is_off_unless_opted_in_outside_development(
    settings_module, value, expected
):
    script = "from django.conf import settings; print(settings.RECOMMENDATIONS['PRIOR_FILE'])"
    opt_in = {} if value is None else {"RECOMMENDATIONS_PRIOR_FILE": value}
    env = {**SAMPLE_ENV, "DJANGO_SETTINGS_MODULE": settings_module, **opt_in}

    result = manage("shell", "-c", script, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == expected


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """Two processes reading then writing in a transaction at the same time both commit: on
    the embedded SQLite file, a transaction takes the write lock when it begins (IMMEDIATE),
    where SQLite's default fails one of them at once with "database is locked"."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert manage("migrate", "--noinput", "-v", "0", **env).returncode == 0
    script = (
        "import os, time\n"
        "from django.db import transaction\n"
        "from catalog.models import Genre\n"
        "with transaction.atomic():\n"
        "    Genre.objects.count()\n"
        "    time.sleep(1)\n"
        "    Genre.objects.create(id=os.getpid(), name=str(os.getpid()))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    writers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env={**clean, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], outputs
    check = "from catalog.models import Genre; print(Genre.objects.count())"
    assert manage("shell", "-c", check, **env).stdout.split()[-1] == "2"


def environment_variables_read() -> set[str]:
    """The variables the settings (``env(...)``), config/*.py and the apps (``os.environ``) read."""
    names: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
    for path in [*(ROOT / "config").glob("*.py"), *(ROOT / "src").glob("*/*/*.py")]:
        names |= set(re.findall(r'environ(?:\.get)?[(\[]\s*"([A-Z0-9_]+)"', path.read_text()))
    return names


def test_env_example_documents_every_variable_read():
    """README: ".env.example documents every variable"."""
    example = (ROOT / ".env.example").read_text()
    names = environment_variables_read()

    assert {"DJANGO_SECRET_KEY", "GUNICORN_WORKERS", "CELERY_METRICS_PORT"} <= names
    assert sorted(n for n in names if not re.search(rf"^(# )?{n}=", example, re.MULTILINE)) == []
