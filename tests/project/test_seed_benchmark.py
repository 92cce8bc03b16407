"""``manage.py seed_benchmark``: the load benchmark's data, seeded fast and idempotently."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from bench import seed
from bench.management.commands.seed_benchmark import Command
from catalog.models import Movie
from favorites.models import FavoriteMovie
from recommendations.models import RecommenderBuild
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM cannot run in a transaction
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seeding uses COPY and generate_series"
)
SIZE = {"movies": 300, "users": 30, "favorites_per_user": 5}


def seed_benchmark(**options) -> str:
    # The command object itself: the test settings do not install the bench app.
    out = StringIO()
    call_command(Command(), interactive=False, stdout=out, **options)
    return out.getvalue()


def snapshot() -> tuple:
    return (
        list(Movie.objects.order_by("id").values_list("id", "title", "vote_average")),
        list(FavoriteMovie.objects.order_by("id").values_list("id", "user_id", "movie_id")),
        list(RecommenderBuild.objects.values_list("id", flat=True)),
    )


@needs_postgresql
def test_seed_benchmark_creates_the_data_set_then_skips_every_step():
    UserFactory(username="someone-real")  # replaced: the command says so before it runs

    first = seed_benchmark(**SIZE)

    assert Movie.objects.count() == 300
    assert Movie.genres.through.objects.filter(movie_id=300).exists()
    usernames = {seed.USERNAME.format(i) for i in range(1, 31)}
    assert set(User.objects.values_list("username", flat=True)) == usernames
    assert check_password(seed.PASSWORD, User.objects.get(pk=7).password)
    for user_id in (1, 30):
        assert FavoriteMovie.objects.filter(user_id=user_id).count() == 5
    assert RecommenderBuild.objects.filter(completed_at__isnull=False).count() == 1
    assert "skipped" not in first
    before = snapshot()

    second = seed_benchmark(**SIZE)

    assert second.count("skipped") == 4
    assert snapshot() == before


@needs_postgresql
def test_seed_benchmark_reseeds_a_different_size():
    seed_benchmark(**SIZE, no_recommendations=True)

    seed_benchmark(movies=400, users=10, favorites_per_user=3, no_recommendations=True)

    assert Movie.objects.count() == 400
    assert FavoriteMovie.objects.count() == 30
    assert not RecommenderBuild.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"movies": 0}, "must be positive"),
        ({"movies": 3, "favorites_per_user": 5}, "at least as many movies"),
    ],
)
@needs_postgresql
def test_seed_benchmark_rejects_bad_sizes(options, message):
    with pytest.raises(CommandError, match=message):
        seed_benchmark(**options)
    assert not Movie.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal elsewhere")
def test_seed_benchmark_refuses_other_databases():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed_benchmark(**SIZE)


@needs_postgresql
def test_seed_benchmark_asks_before_replacing(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command(Command(), **SIZE)
    assert not Movie.objects.exists()
