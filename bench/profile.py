"""Where a cache miss spends its CPU: ``python -m bench.profile SCENARIO [--requests N]``
profiles N misses of one endpoint in process with pyinstrument (the Django test client, the
load benchmark's database, local-memory cache: no network in the profile), printing the call
tree (``--redis URL``: with the Redis cache, as deployed). Scenarios: movies_deep,
movies_filtered, movie_detail, favorites_miss, similar (misses), favorites_hit and
recommendations_hit (one cached page, again and again), favorites_304 (its 304), ceiling
(the load benchmark's DRF ceiling) and stack (its plain Django view: the middleware stack
alone).
``--cpu`` prints the CPU time per request instead (``time.process_time``, the best of 5
batches of N): in process, without gunicorn's share, what a change to a hit saves.

Seed the database first (``make bench-seed``); BENCH_LOAD_DATABASE names it, as for the load
benchmark. Every request is a miss of its page, as in the load benchmark's miss scenarios: a
random movie, or another page or page size (the lists' cache keys leave out parameters they do
not read); the counts stay cached as in steady state.
"""

import argparse
import os
import random
import time

from bench import common

DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "movies_bench_load")
SCENARIOS = (
    "movies_deep", "movies_filtered", "movie_detail", "favorites_miss", "favorites_hit",
    "favorites_304", "recommendations_hit", "similar", "ceiling", "stack",
)  # fmt: skip
AUTHENTICATED = ("favorites_miss", "favorites_hit", "favorites_304", "recommendations_hit")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--redis", default="", help="a Redis URL for the cache, as deployed (default: local memory)"
    )
    parser.add_argument("--cpu", action="store_true", help="CPU time per request, no profile")
    args = parser.parse_args()
    common.setup_django(database=common.database_url(DATABASE), redis_url=args.redis)
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="bench.load.urls"):  # the API's URLs and the ceiling
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler
    from rest_framework_simplejwt.tokens import AccessToken

    from bench.load import CEILING_PATH, STACK_PATH
    from catalog.models import Movie

    rng = random.Random(1)  # noqa: S311 (synthetic requests)
    top = Movie.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    client = Client()
    user = get_user_model().objects.order_by("pk").first()
    headers = {}
    if args.scenario in AUTHENTICATED and user is not None:
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
            "favorites_304": "/api/favorite-movies/",
            "recommendations_hit": "/api/recommendations/",
            "similar": f"/api/movies/{rng.randint(1, top)}/similar/",
            "ceiling": CEILING_PATH,
            "stack": STACK_PATH,
        }[args.scenario]

    first = client.get(path(0), **headers)  # imports, connections, counts: not the steady state
    expected = 200
    if args.scenario == "favorites_304":
        headers["HTTP_IF_NONE_MATCH"] = first["ETag"]
        expected = 304

    def get(i: int) -> None:
        response = client.get(path(i), **headers)
        if response.status_code != expected:
            raise SystemExit(f"{response.status_code}: {response.content[:200]!r}")

    if args.cpu:
        batches = []
        for batch in range(5):
            started = time.process_time()
            for i in range(args.requests):
                get(1 + batch * args.requests + i)
            batches.append((time.process_time() - started) / args.requests)
        print(f"{args.scenario}: {min(batches) * 1e6:.0f} us of CPU per request (best of 5)")
        return
    profiler = Profiler(interval=0.0005)
    for i in range(args.requests):
        with profiler:
            get(i + 1)
    print(
        profiler.output_text(
            unicode=True, color=False, show_all=os.environ.get("BENCH_PROFILE_ALL") == "1"
        )
    )


if __name__ == "__main__":
    main()
