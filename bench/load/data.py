"""The load benchmark's data: Django set up in this process on the bench database, seeding
(``bench.seed``, as ``manage.py seed_benchmark``), JWTs made without HTTP, and the cache
resets that scenarios need."""

import datetime
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench import common

DEFAULT_MOVIES = 100_000
DEFAULT_USERS = 10_000
DEFAULT_FAVORITES_PER_USER = 20
DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "movies_bench_load")
# Its own Redis database: the run flushes it (bench.common uses 14, CI 15).
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
# Settings from the caller's environment that would make the server differ from ours.
STRIPPED = ("DJANGO_", "TMDB_", "JWT_", "THROTTLE_", "CACHE_KEY_PREFIX", "CORS_", "CSRF_")


@dataclass(frozen=True)
class DataSet:
    movies: int = DEFAULT_MOVIES
    users: int = DEFAULT_USERS
    favorites_per_user: int = DEFAULT_FAVORITES_PER_USER

    @property
    def database(self) -> str:
        """``movies_bench_load`` for the default size, ``..._10k`` / ``..._1m`` otherwise."""
        if self.movies == DEFAULT_MOVIES:
            return DATABASE
        return f"{DATABASE}_{short(self.movies)}"


def short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def server_env(data: DataSet, secret_key: str) -> dict[str, str]:
    """The environment of the server and of this process: production settings plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIPPED)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_NUM_PROXIES": "0",  # wrk talks to gunicorn directly
            "DATABASE_URL": common.database_url(data.database),
            "REDIS_URL": REDIS_URL,
            "TMDB_API_KEY": "",
            "TMDB_READ_ACCESS_TOKEN": "",
            # Tokens are made once at the start; they must outlive the run.
            "JWT_ACCESS_MINUTES": "240",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def setup(data: DataSet, secret_key: str) -> dict[str, str]:
    """Create and migrate the database, set Django up here with the server's settings; returns
    the environment to start the server with."""
    common.ensure_database(data.database)
    env = server_env(data, secret_key)
    for name in [k for k in os.environ if k.startswith(STRIPPED)]:
        del os.environ[name]
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    common.check_redis()
    return env


def seed(data: DataSet, *, recommendations: bool = True) -> dict[str, float]:
    """``bench.seed.seed`` (what ``manage.py seed_benchmark`` runs) for this data set."""
    from bench import seed as bench_seed

    return bench_seed.seed(
        movies=data.movies,
        users=data.users,
        favorites_per_user=data.favorites_per_user,
        recommendations=recommendations,
    )


def _user_claims(user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per user, the claims authentication checks against the user (as a login sets them):
    its token version and, with CHECK_REVOKE_TOKEN, the digest of its password."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.utils import get_md5_hash_password

    from accounts.tokens import VERSION_CLAIM

    users = get_user_model().objects.filter(pk__in=list(user_ids))
    claims = {}
    for user_id, password, version in users.values_list("pk", "password", "token_version"):
        claims[user_id] = {api_settings.USER_ID_CLAIM: str(user_id), VERSION_CLAIM: version}
        if api_settings.CHECK_REVOKE_TOKEN:
            claims[user_id][api_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(password)
    return claims


def access_tokens(user_ids: Iterable[int]) -> dict[int, str]:
    """A signed access token per user, made here (no login, no database write)."""
    from rest_framework_simplejwt.tokens import AccessToken

    tokens = {}
    for user_id, claims in _user_claims(user_ids).items():
        token = AccessToken()
        for name, value in claims.items():
            token[name] = value
        tokens[user_id] = str(token)
    return tokens


def refresh_tokens(user_ids: list[int]) -> list[str]:
    """One fresh refresh token per entry of ``user_ids``, recorded as outstanding (as a login
    would), in one bulk insert: each can be rotated exactly once."""
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
    from rest_framework_simplejwt.tokens import RefreshToken
    from rest_framework_simplejwt.utils import datetime_from_epoch

    tokens, rows = [], []
    claims = _user_claims(user_ids)
    for user_id in user_ids:
        token = RefreshToken()
        for name, value in claims[user_id].items():
            token[name] = value
        text = str(token)
        tokens.append(text)
        rows.append(
            OutstandingToken(
                user_id=user_id,
                jti=token[api_settings.JTI_CLAIM],
                token=text,
                created_at=token.current_time,
                expires_at=datetime_from_epoch(token["exp"]),
            )
        )
    OutstandingToken.objects.bulk_create(rows, batch_size=5000)
    return tokens


def redis() -> Any:
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def flush_cache() -> None:
    """Empty the benchmark's own Redis database."""
    redis().flushdb()


def delete_keys(pattern: str) -> int:
    """Delete the cache keys matching ``pattern`` (a Redis glob over the full keys)."""
    client = redis()
    deleted = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=5000):
        batch.append(key)
        if len(batch) == 5000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


def bump_catalog_version() -> None:
    """What a catalog change does: every cached list, count and detail becomes unreachable."""
    from catalog.cache import CATALOG

    CATALOG.bump()


def favorite_movie_ids(user_ids: list[int]) -> dict[int, set[int]]:
    from favorites.models import FavoriteMovie

    owned: dict[int, set[int]] = {u: set() for u in user_ids}
    rows = FavoriteMovie.objects.filter(user_id__in=user_ids).values_list("user_id", "movie_id")
    for user_id, movie_id in rows:
        owned[user_id].add(movie_id)
    return owned


def delete_added_favorites(user_ids: list[int]) -> int:
    """Remove the favorites a write scenario added (any newer than the seeded ones) and bump
    those users' cache versions, as the API's own delete does."""
    from bench.seed import EPOCH
    from favorites.cache import bump_user_versions
    from favorites.models import FavoriteMovie

    seeded_until = EPOCH + datetime.timedelta(days=2 * 366)
    added = FavoriteMovie.objects.filter(user_id__in=user_ids, added_at__gt=seeded_until)
    deleted, _ = added.delete()
    bump_user_versions(user_ids)
    return deleted


def ensure_watchlists(user_ids: list[int], *, movies: int, per_user: int = 20) -> int:
    """Give each of these users ``per_user`` watchlist items (seeded random movies) unless they
    have some: the cached watchlist scenario's data (the seed itself writes favorites only).
    Through bulk_create, so no receiver runs: the pages are warmed afterwards."""
    import random

    from watchlist.models import WatchlistItem

    have = set(WatchlistItem.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    rng = random.Random(17)  # noqa: S311  (synthetic data)
    rows = [
        WatchlistItem(user_id=user_id, movie_id=movie_id)
        for user_id in user_ids
        if user_id not in have
        for movie_id in rng.sample(range(1, movies + 1), min(per_user, movies))
    ]
    WatchlistItem.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def argon2_cost(samples: int = 5) -> dict[str, float]:
    """Wall and CPU seconds of one Argon2 verification with the configured (default)
    parameters, measured here; the CPU time counts every thread the hash uses."""
    from django.contrib.auth.hashers import get_hasher

    from bench import seed as bench_seed

    hasher = get_hasher("argon2")
    encoded = hasher.encode(bench_seed.PASSWORD, hasher.salt())
    hasher.verify(bench_seed.PASSWORD, encoded)  # warm
    walls, cpus = [], []
    for _ in range(samples):
        wall, cpu = time.perf_counter(), time.process_time()
        hasher.verify(bench_seed.PASSWORD, encoded)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    params = hasher.params()
    return {
        "wall_ms": 1000 * sorted(walls)[len(walls) // 2],
        "cpu_ms": 1000 * sorted(cpus)[len(cpus) // 2],
        "time_cost": params.time_cost,
        "memory_cost_kib": params.memory_cost,
        "parallelism": params.parallelism,
    }
