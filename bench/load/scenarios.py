"""The scenarios: which requests each wrk connection sends, and what is reset before a run.

"Cached" scenarios cycle over a small set of requests whose responses are in Redis before the
run. "Miss" scenarios make the response cache miss on (nearly) every request: thousands of
distinct pages (the page size and number vary around the same offset: the list's cache key
has every parameter the list reads, and only those), a random movie, or a user whose entry was
deleted; per-filter COUNTs stay cached, as in steady state.
"""

import http.client
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import seed as bench_seed
from bench.load import CEILING_PAGE_PATH, CEILING_PATH, STACK_PATH, data
from bench.load.wrk import Request

HOT_USERS = 256  # users whose favorites page is cached
HOT_MOVIES = 256  # movies whose detail is cached
HOT_RECOMMENDATION_USERS = 64  # users whose recommendations are cached
WRITE_USERS = 64  # users reserved for add/delete, one per connection
MISS_LINES = 30_000  # distinct requests of a miss scenario (more than one run sends)
DEEP_PAGE = 500  # as bench/catalog.py: page 500 (offset 9,980), or the last page
FILTER_GENRES = ["18", "35", "28", "27", "878", "28,12", "Comedy"]
FILTER_MIN_VOTES = ["5", "6", "7", "8"]
FILTER_ORDERINGS = ["-release_date", "-vote_average", "title", "-popularity", "release_date"]


def _rng(seed: int) -> random.Random:
    """Seeded, so every run sends the same requests (synthetic data, not security)."""
    return random.Random(seed)  # noqa: S311


@dataclass
class Context:
    """What scenarios need: the data set, the servers' URLs, tokens made on demand."""

    data: data.DataSet
    api_url: str
    refresh_capacity: int  # refresh tokens made per run (each is sent once)
    _tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user_id: int) -> str:
        if user_id not in self._tokens:
            self._tokens.update(data.access_tokens([user_id]))
        return self._tokens[user_id]

    def tokens(self, user_ids: list[int]) -> list[str]:
        missing = [u for u in set(user_ids) if u not in self._tokens]
        self._tokens.update(data.access_tokens(missing))
        return [self._tokens[u] for u in user_ids]

    def hot_users(self, n: int) -> list[int]:
        return _rng(n).sample(range(1, self.data.users - WRITE_USERS + 1), n)

    def write_users(self) -> list[int]:
        return list(range(self.data.users - WRITE_USERS + 1, self.data.users + 1))

    def shuffled_users(self) -> list[int]:
        users = list(range(1, self.data.users - WRITE_USERS + 1))
        _rng(7).shuffle(users)
        return users


@dataclass
class Scenario:
    key: str
    name: str
    group: str  # ceiling, movies, favorites, watchlist, writes, auth, recommendations
    build: Callable[[Context, int], list[Request]]  # (context, connections) -> requests
    read: bool = True  # a read scenario (the p99 target applies)
    server: str = "api"  # or "bare" (bench.load.bare), "stock" (bench.load.stock)
    mode: str = "cycle"  # see wrk.lua
    prepare: Callable[[Context], None] | None = None  # before each measured run
    cleanup: Callable[[Context], None] | None = None  # after each run, warm-up included
    notes: str = ""
    timeout: float = 10.0  # seconds before wrk counts a request as a (socket) error


def send_once(url: str, requests: list[Request]) -> None:
    """Each distinct request once, over one keep-alive connection (fills the caches)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        for r in dict.fromkeys(requests):
            headers = {"Authorization": f"Bearer {r.token}"} if r.token else {}
            if r.body:
                headers["Content-Type"] = "application/json"
            connection.request(r.method, r.path, body=r.body or None, headers=headers)
            response = connection.getresponse()
            response.read()
            if not 200 <= response.status < 300:
                raise RuntimeError(f"{r.method} {r.path}: {response.status}")
    finally:
        connection.close()


# Ceilings.


def _ceiling(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", CEILING_PATH)] * connections


def _ceiling_page(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", CEILING_PAGE_PATH)] * connections


def _bare(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", "/")] * connections


def _stack(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", STACK_PATH)] * connections


# Movies.


def _movies_p1(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", "/api/movies/")] * connections


def _deep_pages(ctx: Context) -> list[str]:
    """Distinct ``page=&page_size=`` pairs around offset 10,000 (page 500 of 20): 81 sizes x
    100 pages, each a cache key of its own, shuffled (seeded)."""
    pages = []
    for size in range(20, 101):
        last = math.ceil(ctx.data.movies / size)
        around = min(last, max(1, DEEP_PAGE * 20 // size))
        pages += [f"page={max(1, around - k)}&page_size={size}" for k in range(100)]
    _rng(9).shuffle(pages)
    return pages


def _movies_deep(ctx: Context, connections: int) -> list[Request]:
    return [Request("GET", f"/api/movies/?{paging}") for paging in _deep_pages(ctx)]


def _movies_filtered(ctx: Context, connections: int) -> list[Request]:
    rng = _rng(3)
    requests = []
    for i in range(MISS_LINES):
        genre = rng.choice(FILTER_GENRES)
        vote = rng.choice(FILTER_MIN_VOTES)
        ordering = rng.choice(FILTER_ORDERINGS)
        # Page 1 only: a later page of a rare filter set may not exist at 10k movies (400).
        # The page size makes each a miss (140 filter sets x 81 sizes): the list's cache key
        # leaves out parameters it does not read, such as a cache-busting "_".
        size = 20 + i % 81
        path = f"/api/movies/?genre={genre}&min_vote_average={vote}&ordering={ordering}"
        requests.append(Request("GET", f"{path}&page_size={size}"))
    return requests


def _movie_detail(ctx: Context, connections: int) -> list[Request]:
    rng = _rng(5)
    return [
        Request("GET", f"/api/movies/{rng.randint(1, ctx.data.movies)}/") for _ in range(MISS_LINES)
    ]


def _movie_detail_cached(ctx: Context, connections: int) -> list[Request]:
    rng = _rng(11)
    ids = rng.sample(range(1, ctx.data.movies + 1), min(HOT_MOVIES, ctx.data.movies))
    return [Request("GET", f"/api/movies/{movie_id}/") for movie_id in ids]


def _warm_movie_details(ctx: Context) -> None:
    send_once(ctx.api_url, _movie_detail_cached(ctx, 1))


def _warm_movies_p1(ctx: Context) -> None:
    data.bump_catalog_version()
    send_once(ctx.api_url, _movies_p1(ctx, 1))


# Favorites.


def _favorites_cached(ctx: Context, connections: int) -> list[Request]:
    users = ctx.hot_users(HOT_USERS)
    return [Request("GET", "/api/favorite-movies/", t) for t in ctx.tokens(users)]


def _warm_favorites(ctx: Context) -> None:
    send_once(ctx.api_url, _favorites_cached(ctx, 1))


def _favorites_not_modified(ctx: Context, connections: int) -> list[Request]:
    """The hot users' pages with the ETag each got: every answer a 304."""
    requests = _favorites_cached(ctx, connections)
    return [Request(r.method, r.path, r.token, etag=etag_of(ctx.api_url, r)) for r in requests]


def etag_of(url: str, r: Request) -> str:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(r.method, r.path, headers={"Authorization": f"Bearer {r.token}"})
        response = connection.getresponse()
        response.read()
        etag = response.getheader("ETag")
        if response.status != 200 or not etag:
            raise RuntimeError(f"{r.method} {r.path}: {response.status}, ETag {etag!r}")
        return etag
    finally:
        connection.close()


def _favorites_miss(ctx: Context, connections: int) -> list[Request]:
    """Every user once; then again with ``page_size`` 20, 21, ... (another cache key, the same
    20 rows), so a small user base still misses."""
    users = ctx.shuffled_users()
    requests = []
    for i in range(max(MISS_LINES, len(users))):
        user, lap = users[i % len(users)], i // len(users)
        size = "" if lap == 0 else f"?page_size={20 + (lap - 1) % 81}"
        requests.append(Request("GET", f"/api/favorite-movies/{size}", ctx.token(user)))
    return requests


def _drop_favorite_pages(ctx: Context) -> None:
    data.delete_keys("*:favorite_movie_list_*_page_*")


def _candidates(ctx: Context) -> dict[int, list[int]]:
    """Per write user, 100 movies not among their favorites."""
    users = ctx.write_users()
    owned = data.favorite_movie_ids(users)
    top = ctx.data.movies
    return {
        u: [m for m in range(top, max(0, top - 1000), -1) if m not in owned[u]][:100] for u in users
    }


def _favorite_writes(ctx: Context, connections: int) -> list[Request]:
    users = ctx.write_users()[:connections]
    candidates = _candidates(ctx)
    requests = []
    for i in range(connections * 100):
        user = users[i % connections]
        movie = candidates[user][(i // connections) % len(candidates[user])]
        body = json.dumps({"movie_id": movie}, separators=(",", ":"))
        requests.append(Request("POST", "/api/favorite-movies/", ctx.token(user), body))
    return requests


def _undo_writes(ctx: Context) -> None:
    data.delete_added_favorites(ctx.write_users())


# Authentication.


def _token_obtain(ctx: Context, connections: int) -> list[Request]:
    users = ctx.shuffled_users()[:2000]
    return [
        Request(
            "POST",
            "/api/token/",
            body=json.dumps(
                {"username": bench_seed.USERNAME.format(u), "password": bench_seed.PASSWORD}
            ),
        )
        for u in users
    ]


def _token_refresh(ctx: Context, connections: int) -> list[Request]:
    users = ctx.shuffled_users()
    picked = [users[i % len(users)] for i in range(ctx.refresh_capacity)]
    return [
        Request("POST", "/api/token/refresh/", body=json.dumps({"refresh": token}))
        for token in data.refresh_tokens(picked)
    ]


# Watchlist and account states (the per-user parts of #17).


def _watchlist_cached(ctx: Context, connections: int) -> list[Request]:
    users = ctx.hot_users(HOT_USERS)
    return [Request("GET", "/api/watchlist/", t) for t in ctx.tokens(users)]


def _warm_watchlist(ctx: Context) -> None:
    data.ensure_watchlists(ctx.hot_users(HOT_USERS), movies=ctx.data.movies)
    data.delete_keys("*:watchlist_*_page_*")  # bulk_create bumped nothing
    send_once(ctx.api_url, _watchlist_cached(ctx, 1))


def _account_states(ctx: Context, connections: int) -> list[Request]:
    """A grid of 20 movies per request (what a page of the catalog shows), for hot users:
    uncached, one query per part (favorites, watchlist, ratings, hidden)."""
    users = ctx.hot_users(HOT_USERS)
    rng = _rng(23)
    requests = []
    for token in ctx.tokens(users):
        ids = ",".join(str(m) for m in rng.sample(range(1, ctx.data.movies + 1), 20))
        requests.append(Request("GET", f"/api/account-states/?movie={ids}", token))
    return requests


# Recommendations.


def _recommendations_cached(ctx: Context, connections: int) -> list[Request]:
    users = ctx.hot_users(HOT_RECOMMENDATION_USERS)
    return [Request("GET", "/api/recommendations/", t) for t in ctx.tokens(users)]


def _warm_recommendations(ctx: Context) -> None:
    send_once(ctx.api_url, _recommendations_cached(ctx, 1))


def _recommendations_miss(ctx: Context, connections: int) -> list[Request]:
    users = ctx.shuffled_users()
    return [Request("GET", "/api/recommendations/", t) for t in ctx.tokens(users)]


def _drop_recommendations(ctx: Context) -> None:
    data.delete_keys("*:recommendations_*")


SCENARIOS = [
    Scenario("ceiling", "ceiling: DRF view, no auth/DB", "ceiling", _ceiling),
    Scenario(
        "ceiling_page",
        "ceiling with a 7.5 KB page",
        "ceiling",
        _ceiling_page,
        notes="a favorites page's size: what the body alone costs",
    ),
    Scenario("bare", "ceiling: bare WSGI, no Django", "ceiling", _bare, server="bare"),
    Scenario("stack", "ceiling: Django view, our stack", "ceiling", _stack),
    Scenario("stock", "ceiling: Django view, stock Django", "ceiling", _bare, server="stock"),
    Scenario("movies_p1", "movies page 1 (cached)", "movies", _movies_p1, prepare=_warm_movies_p1),
    Scenario(
        "movies_deep",
        f"movies deep page, offset ~{DEEP_PAGE * 20:,} (miss)",
        "movies",
        _movies_deep,
        prepare=lambda ctx: data.bump_catalog_version(),
        notes="8,100 distinct pages (81 sizes x 100 pages), COUNT cached",
    ),
    Scenario(
        "movies_filtered",
        "movies genre+vote+order (miss)",
        "movies",
        _movies_filtered,
        prepare=lambda ctx: data.bump_catalog_version(),
        notes="140 filter sets x 81 page sizes, page 1; COUNT cached per set after its first",
    ),
    Scenario(
        "movie_detail",
        "movie detail, random ids",
        "movies",
        _movie_detail,
        prepare=lambda ctx: data.bump_catalog_version(),
        notes="mostly misses",
    ),
    Scenario(
        "movie_detail_cached",
        "movie detail (cached)",
        "movies",
        _movie_detail_cached,
        prepare=_warm_movie_details,
        notes=f"{HOT_MOVIES} movies",
    ),
    Scenario(
        "favorites_cached",
        "favorites list (cached)",
        "favorites",
        _favorites_cached,
        prepare=_warm_favorites,
    ),
    Scenario(
        "favorites_304",
        "favorites list (304)",
        "favorites",
        _favorites_not_modified,
        notes="If-None-Match with the page's ETag: answered from the versions alone",
    ),
    Scenario(
        "favorites_miss",
        "favorites list (cold user)",
        "favorites",
        _favorites_miss,
        prepare=_drop_favorite_pages,
    ),
    Scenario(
        "favorites_write",
        "favorite add+delete",
        "writes",
        _favorite_writes,
        read=False,
        mode="add_delete",
        prepare=_undo_writes,
        cleanup=_undo_writes,
        notes="POST then DELETE of the new id, alternating",
    ),
    Scenario(
        "watchlist_cached",
        "watchlist list (cached)",
        "watchlist",
        _watchlist_cached,
        prepare=_warm_watchlist,
        notes="20 items per user, seeded for the hot users before the run",
    ),
    Scenario(
        "account_states",
        "account states, 20 movies",
        "watchlist",
        _account_states,
        prepare=lambda ctx: data.ensure_watchlists(
            ctx.hot_users(HOT_USERS), movies=ctx.data.movies
        ),
        notes="not cached: 4 indexed queries",
    ),
    Scenario(
        "recommendations_cached",
        "recommendations (cached)",
        "recommendations",
        _recommendations_cached,
        prepare=_warm_recommendations,
    ),
    Scenario(
        "recommendations_miss",
        "recommendations (cold user)",
        "recommendations",
        _recommendations_miss,
        prepare=_drop_recommendations,
    ),
    Scenario(
        "token_obtain",
        "token obtain (Argon2)",
        "auth",
        _token_obtain,
        read=False,
        notes="32 logins queue behind ~4/s of Argon2: latencies near 10 s",
        timeout=30.0,
    ),
    Scenario(
        "token_refresh",
        "token refresh (rotate+blacklist)",
        "auth",
        _token_refresh,
        read=False,
        mode="once",
        notes="a fresh refresh token per request",
    ),
]
BY_KEY = {s.key: s for s in SCENARIOS}
# Run again through nginx (``bench.load.server.nginx``) in the same run: the edge's figures.
NGINX_KEYS = ["ceiling", "movies_p1", "movie_detail_cached", "favorites_cached", "favorites_304"]
SCALE_KEYS = ["ceiling", "movies_p1", "movies_deep", "movies_filtered", "favorites_cached",
              "favorites_miss"]  # fmt: skip
