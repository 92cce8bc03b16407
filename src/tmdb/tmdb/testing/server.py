"""A fake TMDB: a real HTTP server on 127.0.0.1 serving recorded TMDB responses (``examples/``,
provenance in ``examples/SOURCE.txt``) under ``/3/``, with fault injection and a log of every
request, for tests of code that calls TMDB.

    from tmdb.testing.server import FakeTMDB

    with FakeTMDB() as tmdb, tmdb.client(max_retries=2) as client:
        tmdb.fail_next("/3/movie/popular", status=503, times=2)
        client.popular()
        assert len(tmdb.requests_to("/3/movie/popular")) == 3

Lists serve ``total_pages`` pages; page n holds the recorded movies with their ids shifted by
``(n - 1) * ID_STRIDE``, so ids are distinct across pages. ``/3/movie/{id}`` serves the recorded
details (Fight Club) under the requested id, or what ``add_movie`` registered. ``/3/find/{imdb id}``
and ``/3/search/movie`` answer from the movies ``add_movie`` registered, in the shapes of TMDB's
(``find-by-id.json``, ``search-movie.json``).
"""

import contextlib
import functools
import json
import math
import re
import socket
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, cast
from urllib.parse import parse_qsl, urlsplit

from tmdb.client import TMDBClient

EXAMPLES_DIR = Path(__file__).parent / "examples"
API_KEY = "test-api-key"
READ_ACCESS_TOKEN = "test-read-access-token"  # noqa: S105 (the fake's own, not a secret)
ID_STRIDE = 10_000_000
MAX_PAGE = 500
CHANGES_PER_PAGE = 100
RECORDED_MOVIE_ID = 550
LISTS = {
    "/movie/popular": "movie-popular.json",
    "/movie/top_rated": "movie-top-rated.json",
    "/movie/now_playing": "movie-now-playing.json",
    "/movie/upcoming": "movie-upcoming.json",
    "/trending/movie/day": "trending-movie.json",
    "/trending/movie/week": "trending-movie.json",
    "/movie/changes": "movie-all-changes.json",
}
MOVIE_PATH = re.compile(r"/movie/(?P<id>\d+)")
FIND_PATH = re.compile(r"/find/(?P<id>[^/]+)")
SEARCH_PER_PAGE = 20
# The fields of a movie in TMDB's lists, /find's movie_results and search results.
SUMMARY_FIELDS = (
    "adult", "backdrop_path", "id", "original_language", "original_title", "overview",
    "popularity", "poster_path", "release_date", "title", "video", "vote_average", "vote_count",
)  # fmt: skip
INVALID_PAGE = {
    "success": False,
    "status_code": 22,
    "status_message": "Invalid page: Pages start at 1 and max at 500. "
    "They are expected to be an integer.",
}
# TMDB's bodies for the statuses tests inject most (https://developer.themoviedb.org/docs/errors).
STATUS_BODIES: dict[int, dict[str, Any]] = {
    429: {
        "status_code": 25,
        "status_message": "Your request count (#) is over the allowed limit of (40).",
    },
    500: {
        "status_code": 11,
        "status_message": "Internal error: Something went wrong, contact TMDB.",
    },
    502: {"status_code": 43, "status_message": "Couldn't connect to the backend server."},
    503: {
        "status_code": 9,
        "status_message": "Service offline: This service is temporarily offline, try again later.",
    },
    504: {
        "status_code": 24,
        "status_message": "Your request to the backend server timed out. Try again.",
    },
}

Body = Mapping[str, Any] | list[Any] | bytes | str


@functools.cache
def example(name: str) -> dict[str, Any]:
    """A recorded response (parsed); shared, so never mutate it."""
    return cast(dict[str, Any], json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8")))


def error_body(status: int) -> dict[str, Any]:
    """What TMDB answers with ``status``."""
    if status == 401:
        return example("invalid-api-key.json")
    if status == 404:
        return example("resource-not-found.json")
    if status == 422:
        return example("validation-error.json")
    if status in STATUS_BODIES:
        return {"success": False, **STATUS_BODIES[status]}
    return {"success": False, "status_message": HTTPStatus(status).phrase}


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival
    client_port: int  # the same port twice means a reused (pooled) connection


@dataclass(frozen=True)
class _Fault:
    path_prefix: str
    kind: Literal["fail", "drop", "truncate", "delay"]
    status: int = 500
    retry_after: int | None = None
    body: Body | None = None
    seconds: float = 0.0


class FakeTMDB:
    def __init__(
        self,
        *,
        api_key: str = API_KEY,
        read_access_token: str = READ_ACCESS_TOKEN,
        total_pages: int = 3,
        known_movies_only: bool = False,
    ) -> None:
        """``known_movies_only``: ``/3/movie/{id}`` answers 404 for an id that is neither the
        recorded 550 nor registered with ``add_movie``."""
        self.api_key = api_key
        self.read_access_token = read_access_token
        self.total_pages = total_pages
        self.known_movies_only = known_movies_only
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults: list[_Fault] = []
        self._movies: dict[int, dict[str, Any]] = {}
        self._changes: list[dict[str, Any]] | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    def start(self) -> Self:
        self._stopping.clear()
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end the kept-alive connections and wake the delayed responses."""
        if self._httpd is None or self._thread is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # the client closed it first
                    connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API root, like TMDB's ``https://api.themoviedb.org/3``."""
        if self._httpd is None:
            raise RuntimeError("FakeTMDB is not started")
        host, port = cast(tuple[str, int], self._httpd.server_address[:2])  # bound to a str
        return f"http://{host}:{port}/3"

    def client(self, **options: Any) -> TMDBClient:
        """A client of this server for tests: short timeouts, tiny backoffs, no practical rate
        cap; ``options`` override any ``TMDBClient`` argument. Close it (or use ``with``)."""
        defaults: dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "timeout": (2.0, 2.0),
            "backoff_factor": 0.01,
            "backoff_max": 0.05,
            "rate_limit_per_second": 1000.0,
        }
        return TMDBClient(**{**defaults, **options})

    # Data

    def add_movie(self, movie_id: int, **fields: Any) -> None:
        """Serve the recorded details for ``movie_id`` with ``fields`` replaced,
        e.g. ``add_movie(7, title="Seven", genres=[{"id": 80, "name": "Crime"}])``."""
        with self._lock:
            self._movies[movie_id] = {**example("movie-details.json"), **fields, "id": movie_id}

    def set_changes(self, items: Iterable[int | Mapping[str, Any]]) -> None:
        """Serve these movies at ``/3/movie/changes``, 100 a page as TMDB does. An int is
        ``{"id": n, "adult": False}``."""
        feed = [
            {"id": item, "adult": False} if isinstance(item, int) else dict(item) for item in items
        ]
        with self._lock:
            self._changes = feed

    # Faults: the next request whose path starts with ``path_prefix`` (e.g. "/3/movie/") gets
    # the fault instead of, or before, the normal answer; ``times`` queues it that many times.

    def fail_next(
        self,
        path_prefix: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        body: Body | None = None,
    ) -> None:
        """Answer ``status`` with TMDB's body for it, or ``body`` (bytes/str are sent raw)."""
        self._queue(times, _Fault(path_prefix, "fail", status, retry_after, body))

    def drop_next(self, path_prefix: str, *, times: int = 1) -> None:
        """Close the connection without answering."""
        self._queue(times, _Fault(path_prefix, "drop"))

    def truncate_next(self, path_prefix: str, *, times: int = 1) -> None:
        """Send the headers and half the body, then close the connection."""
        self._queue(times, _Fault(path_prefix, "truncate"))

    def delay_next(self, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """Answer normally after ``seconds``, to trigger read timeouts."""
        self._queue(times, _Fault(path_prefix, "delay", seconds=seconds))

    def _queue(self, times: int, fault: _Fault) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if path.startswith(fault.path_prefix):
                    return self._faults.pop(index)
        return None

    # Request log

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests to exactly ``path`` (e.g. "/3/movie/popular"), oldest first."""
        return [request for request in self.requests if request.path == path]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    # Responses

    def _authorized(self, query: Mapping[str, str], headers: Mapping[str, str]) -> bool:
        return (bool(self.api_key) and query.get("api_key") == self.api_key) or (
            bool(self.read_access_token)
            and headers.get("Authorization") == f"Bearer {self.read_access_token}"
        )

    def _answer(self, path: str, query: Mapping[str, str]) -> tuple[int, Body]:
        """TMDB's answer to an authorized GET of ``path`` (under /3)."""
        if path == "/genre/movie/list":
            return 200, example("genre-movie-list.json")
        if path in LISTS:
            page = query.get("page", "1")
            if not (page.isdigit() and 1 <= int(page) <= MAX_PAGE):
                return 400, INVALID_PAGE
            if path == "/movie/changes" and self._changes is not None:
                return 200, _paginate(self._changes, int(page))
            return 200, self._list_page(example(LISTS[path]), int(page))
        if path == "/search/movie":
            return self._search(query)
        found = FIND_PATH.fullmatch(path)
        if found is not None:
            return self._find(found["id"], query)
        match = MOVIE_PATH.fullmatch(path)
        if match is None:
            return 404, error_body(404)
        movie_id = int(match["id"])
        with self._lock:
            details = self._movies.get(movie_id)
        if details is None and self.known_movies_only and movie_id != RECORDED_MOVIE_ID:
            return 404, error_body(404)
        return 200, details or {**example("movie-details.json"), "id": movie_id}

    def _registered(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._movies.values())

    def _find(self, external_id: str, query: Mapping[str, str]) -> tuple[int, Body]:
        """``/3/find``: the registered movies with this ``imdb_id``, as TMDB lists them."""
        if query.get("external_source") != "imdb_id":
            return 422, error_body(422)
        movies = [m for m in self._registered() if m.get("imdb_id") == external_id]
        empty: dict[str, list[Any]] = {key: [] for key in example("find-by-id.json")}
        return 200, {**empty, "movie_results": [_summary(m, media_type="movie") for m in movies]}

    def _search(self, query: Mapping[str, str]) -> tuple[int, Body]:
        """``/3/search/movie``: the registered movies whose title or original title holds every
        word of ``query`` (case and accents ignored), of ``primary_release_year`` if given."""
        words = _folded(query.get("query", "")).split()
        if not words:
            return 200, {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
        year = query.get("primary_release_year")
        page = query.get("page", "1")
        if not (page.isdigit() and 1 <= int(page) <= MAX_PAGE):
            return 400, INVALID_PAGE
        found = [
            _summary(movie)
            for movie in self._registered()
            if any(
                all(word in _folded(movie.get(name) or "") for word in words)
                for name in ("title", "original_title")
            )
            and (not year or (movie.get("release_date") or "")[:4] == year)
        ]
        start = (int(page) - 1) * SEARCH_PER_PAGE
        return 200, {
            "page": int(page),
            "results": found[start : start + SEARCH_PER_PAGE],
            "total_pages": max(1, math.ceil(len(found) / SEARCH_PER_PAGE)),
            "total_results": len(found),
        }

    def _list_page(self, recorded: Mapping[str, Any], page: int) -> dict[str, Any]:
        """Page ``page`` of ``total_pages`` built from the recorded page; past the last page
        TMDB answers an empty page."""
        items = recorded["results"]
        results = (
            [{**item, "id": item["id"] + (page - 1) * ID_STRIDE} for item in items]
            if page <= self.total_pages
            else []
        )
        return {
            **recorded,
            "page": page,
            "results": results,
            "total_pages": self.total_pages,
            "total_results": len(items) * self.total_pages,
        }


def _summary(details: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A movie's details as a list shows it: the summary fields and ``genre_ids``."""
    summary = {name: details.get(name) for name in SUMMARY_FIELDS}
    genre_ids = [genre["id"] for genre in details.get("genres") or ()]
    return {**summary, **extra, "genre_ids": genre_ids}


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _paginate(items: list[dict[str, Any]], page: int) -> dict[str, Any]:
    start = (page - 1) * CHANGES_PER_PAGE
    return {
        "results": items[start : start + CHANGES_PER_PAGE],
        "page": page,
        "total_pages": math.ceil(len(items) / CHANGES_PER_PAGE),
        "total_results": len(items),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeTMDB
    ) -> None:
        self.fake = fake
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hung up first (it timed out, or the test ended)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as TMDB
    disable_nagle_algorithm = True  # else each small response waits ~40ms for an ACK
    timeout = 10  # seconds an idle kept-alive connection may hold a thread
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:
            self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log on stderr."""

    def do_GET(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = dict(self.headers.items())
        fake._record(
            RecordedRequest(url.path, query, headers, time.monotonic(), self.client_address[1])
        )
        fault = fake._take_fault(url.path)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "fail":
            extra = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            self._send(
                fault.status, error_body(fault.status) if fault.body is None else fault.body, extra
            )
            return
        if fault is not None and fault.kind == "delay" and fake._stopping.wait(fault.seconds):
            return  # stopping: do not answer late
        body: Body
        if not url.path.startswith("/3/"):
            status, body = 404, error_body(404)
        elif not fake._authorized(query, headers):
            status, body = 401, error_body(401)
        else:
            status, body = fake._answer(url.path.removeprefix("/3"), query)
        self._send(status, body, truncate=fault is not None and fault.kind == "truncate")

    def _send(
        self,
        status: int,
        body: Body,
        headers: Mapping[str, str] | None = None,
        *,
        truncate: bool = False,
    ) -> None:
        if isinstance(body, bytes):
            payload = body
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if truncate:
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
        else:
            self.wfile.write(payload)
