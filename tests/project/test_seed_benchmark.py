"""``manage.py seed_benchmark``: the load benchmark's data, seeded fast and idempotently.

Run as documented (bench/README.md), in a subprocess under ``bench.settings``, the only
settings that install the bench app, on this test database; the tests never import bench.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection

from accounts.models import User
from catalog.models import Movie
from favorites.models import FavoriteMovie
from recommendations.models import RecommenderBuild
from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# The seeded users, as bench/README.md documents them.
PASSWORD = "bench-load-Pa55word!"
USERNAME = "bench{}"
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seeding uses COPY and generate_series"
)
# VACUUM cannot run in a transaction, and the subprocess must see the test's rows.
uses_db = pytest.mark.django_db(transaction=True)
SIZE = ["--movies", "300", "--users", "30", "--favorites-per-user", "5"]


def database_url() -> str:
    """The URL of the test database (the command refuses anything but PostgreSQL early)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return "sqlite://:memory:"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(
    *args: str, settings: str = "bench.settings", stdin: str = ""
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url(),
        "REDIS_URL": "",
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def seed_benchmark(*options: str) -> subprocess.CompletedProcess:
    return manage("seed_benchmark", "--noinput", *options)


def snapshot() -> tuple:
    return (
        list(Movie.objects.order_by("id").values_list("id", "title", "vote_average")),
        list(FavoriteMovie.objects.order_by("id").values_list("id", "user_id", "movie_id")),
        list(RecommenderBuild.objects.values_list("id", flat=True)),
    )


def test_only_the_bench_settings_install_the_command():
    result = manage("seed_benchmark", "--help", settings="config.settings.dev")

    assert result.returncode != 0
    assert "Unknown command: 'seed_benchmark'" in result.stderr


@uses_db
@needs_postgresql
def test_seed_benchmark_creates_the_data_set_then_skips_every_step(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    UserFactory(username="someone-real")  # replaced: the command says so before it runs

    first = seed_benchmark(*SIZE)

    assert first.returncode == 0, first.stderr
    assert Movie.objects.count() == 300
    assert Movie.genres.through.objects.filter(movie_id=300).exists()
    usernames = {USERNAME.format(i) for i in range(1, 31)}
    assert set(User.objects.values_list("username", flat=True)) == usernames
    # Production's hasher (Argon2), so that logins cost what they do in production.
    assert check_password(PASSWORD, User.objects.get(pk=7).password)
    for user_id in (1, 30):
        assert FavoriteMovie.objects.filter(user_id=user_id).count() == 5
    assert RecommenderBuild.objects.filter(completed_at__isnull=False).count() == 1
    assert "skipped" not in first.stdout
    before = snapshot()

    second = seed_benchmark(*SIZE)

    assert second.returncode == 0, second.stderr
    assert second.stdout.count("skipped") == 4
    assert snapshot() == before


@uses_db
@needs_postgresql
def test_seed_benchmark_reseeds_a_different_size():
    seed_benchmark(*SIZE, "--no-recommendations")

    result = seed_benchmark(
        "--movies", "400", "--users", "10", "--favorites-per-user", "3", "--no-recommendations"
    )

    assert result.returncode == 0, result.stderr
    assert Movie.objects.count() == 400
    assert FavoriteMovie.objects.count() == 30
    assert not RecommenderBuild.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--movies", "0"], "must be positive"),
        (["--movies", "3", "--favorites-per-user", "5"], "at least as many movies"),
    ],
)
@uses_db
@needs_postgresql
def test_seed_benchmark_rejects_bad_sizes(options, message):
    result = seed_benchmark(*options)

    assert result.returncode != 0
    assert message in result.stderr
    assert not Movie.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal elsewhere")
def test_seed_benchmark_refuses_other_databases():
    result = seed_benchmark(*SIZE)

    assert result.returncode != 0
    assert "needs PostgreSQL" in result.stderr


@uses_db
@needs_postgresql
def test_seed_benchmark_asks_before_replacing():
    result = manage("seed_benchmark", *SIZE, stdin="no\n")

    assert result.returncode != 0
    assert "Type 'yes' to continue" in result.stdout
    assert "cancelled" in result.stderr
    assert not Movie.objects.exists()
