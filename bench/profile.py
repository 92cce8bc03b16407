"""Where a cache miss spends its CPU: ``python -m bench.profile SCENARIO [--requests N]``
profiles N misses of one endpoint in process with pyinstrument (the Django test client, the
load benchmark's database, local-memory cache: no network in the profile), printing the call
tree (``--redis URL``: with the Redis cache, as deployed). Scenarios: movies_deep,
movies_filtered, movie_detail, favorites_miss, similar (misses)
and favorites_hit (one cached page, again and again).

Seed the database first (``make bench-seed``); BENCH_LOAD_DATABASE names it, as for the load
benchmark. Every request is a miss of its page, as in the load benchmark's miss scenarios: a
random movie, or another page or page size (the lists' cache keys leave out parameters they do
not read); the counts stay cached as in steady state.
"""

import argparse
import os
import random

from bench import common

DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "movies_bench_load")
SCENARIOS = (
    "movies_deep", "movies_filtered", "movie_detail", "favorites_miss", "favorites_hit", "similar"
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--redis", default="", help="a Redis URL for the cache, as deployed (default: local memory)"
    )
    args = parser.parse_args()
    common.setup_django(database=common.database_url(DATABASE), redis_url=args.redis)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler
    from rest_framework_simplejwt.tokens import AccessToken

    from catalog.models import Movie

    rng = random.Random(1)  # noqa: S311 (synthetic requests)
    top = Movie.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    client = Client()
    user = get_user_model().objects.order_by("pk").first()
    headers = {}
    if args.scenario.startswith("favorites") and user is not None:
        token = AccessToken.for_user(user)
        token["ver"] = user.token_version
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def path(i: int) -> str:
        return {
            "movies_deep": f"/api/movies/?page={400 + i}",
            "movies_filtered": f"/api/movies/?genre=18&ordering=title&page_size={20 + i % 81}",
            "movie_detail": f"/api/movies/{rng.randint(1, top)}/",
            "favorites_miss": f"/api/favorite-movies/?page_size={20 + i % 50}",
            "favorites_hit": "/api/favorite-movies/",  # a hit: where a cached page goes
            "similar": f"/api/movies/{rng.randint(1, top)}/similar/",
        }[args.scenario]

    client.get(path(0), **headers)  # imports, connections, counts: not the steady state
    profiler = Profiler(interval=0.0005)
    for i in range(args.requests):
        response = None
        with profiler:
            response = client.get(path(i + 1), **headers)
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code}: {response.content[:200]!r}")
    print(
        profiler.output_text(
            unicode=True, color=False, show_all=os.environ.get("BENCH_PROFILE_ALL") == "1"
        )
    )


if __name__ == "__main__":
    main()
