"""A client for TMDB's v3 API: authentication, retries, a rate cap, and errors mapped to
``tmdb.exceptions``. It knows nothing of Django but ``from_settings``."""

import datetime
import email.utils
import itertools
import math
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import requests
from prometheus_client import Counter
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from tmdb.exceptions import (
    TMDBAuthError,
    TMDBBadRequest,
    TMDBCapReached,
    TMDBError,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from tmdb.ratelimit import MEMORY, RateLimiter
from tmdb.types import ChangedItem, Genre, MovieDetails, MovieSummary, Page

T = TypeVar("T")
R = TypeVar("R")
TimeoutValue = float | tuple[float, float]  # as requests takes it: total, or (connect, read)

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
# TMDB refuses pages above 500, whatever total_pages says.
MAX_PAGE = 500
TRENDING_WINDOWS = ("day", "week")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
POOL_SIZE = 10
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.RetryError,
    requests.exceptions.ChunkedEncodingError,
)
CALLS = Counter(
    "tmdb_requests_total",
    "Calls to TMDB (after their retries), by outcome: ok, not_found, bad_request, auth_error, "
    "rate_limited, unavailable, cap_reached (not sent: the client's own cap had no free slot).",
    ["outcome"],
)
_OUTCOMES: dict[type[TMDBError], str] = {
    TMDBNotFound: "not_found",
    TMDBBadRequest: "bad_request",
    TMDBAuthError: "auth_error",
    TMDBRateLimited: "rate_limited",
    TMDBUnavailable: "unavailable",
    TMDBCapReached: "cap_reached",
}
_ERRORS_BY_STATUS: dict[int, type[TMDBError]] = {
    401: TMDBAuthError,
    404: TMDBNotFound,
    429: TMDBRateLimited,
}


class _Retry(Retry):
    """urllib3's retries, except that a 429 asking to wait longer than ``retry_after_max`` is
    not retried sooner: the retries end there, and the client raises ``TMDBRateLimited`` with
    that wait, for its caller (a job) to try again no sooner."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if response is not None and response.status == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            if wait is not None and wait > self.retry_after_max:
                reason = f"429 asks to wait {wait:.0f} s, over {self.retry_after_max} s"
                # urllib3's own increment passes its pool (None only outside a pool) the same way
                raise MaxRetryError(_pool, url or "", ResponseError(reason))  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


class TMDBClient:
    """Talks to TMDB over one pooled ``requests.Session``.

    Authenticates with the v4 read access token (``Authorization: Bearer``) when given, else
    with the v3 ``api_key`` query parameter. Failed GETs (connection errors, timeouts, 429 and
    5xx) are retried by urllib3 with exponential backoff, honouring ``Retry-After`` up to
    ``backoff_max`` seconds; a 429 asking for longer is not retried (``TMDBRateLimited``
    carries its ``retry_after``). Every call first waits for the rate cap (``tmdb.ratelimit``),
    which every client counting in the same ``rate_limit_storage`` shares: the process's memory, or
    Redis for every process and machine; ``wait_for_rate_cap=False`` (someone is waiting) raises
    ``TMDBCapReached`` rather than wait.
    """

    def __init__(
        self,
        *,
        api_key: str = "",
        read_access_token: str = "",
        base_url: str = DEFAULT_BASE_URL,
        timeout: TimeoutValue = (3.05, 10.0),
        max_retries: int = 4,
        rate_limit_per_second: float = 20.0,
        rate_limit_storage: str = MEMORY,
        wait_for_rate_cap: bool = True,
        language: str | None = "en-US",
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.language = language
        self.limiter = RateLimiter(
            rate_limit_per_second,
            storage_uri=rate_limit_storage,
            key=f"tmdb:{self.base_url}",
            sleep=sleep,
        )
        self.wait_for_rate_cap = wait_for_rate_cap
        self._api_key = api_key
        self._headers = {"Accept": "application/json"}
        if read_access_token:
            self._headers["Authorization"] = f"Bearer {read_access_token}"
        self._session = requests.Session()
        retry = _Retry(
            total=max_retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            respect_retry_after_header=True,
            retry_after_max=math.ceil(backoff_max),
            raise_on_status=False,
        )
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE, max_retries=retry)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    @classmethod
    def from_settings(cls, **overrides: Any) -> Self:
        """A client configured by ``settings.TMDB``; ``overrides`` are constructor arguments."""
        from tmdb.conf import tmdb_settings  # lazily: the client itself does not need Django

        options: dict[str, Any] = {
            "api_key": tmdb_settings.API_KEY,
            "read_access_token": tmdb_settings.READ_ACCESS_TOKEN,
            "base_url": tmdb_settings.BASE_URL,
            "timeout": tmdb_settings.TIMEOUT,
            "max_retries": tmdb_settings.MAX_RETRIES,
            "rate_limit_per_second": tmdb_settings.RATE_LIMIT_PER_SECOND,
            "rate_limit_storage": tmdb_settings.RATE_LIMIT_STORAGE,
            "language": tmdb_settings.LANGUAGE,
        }
        return cls(**{**options, **overrides})

    # Endpoints

    def genres(self) -> list[Genre]:
        return self._fetch(
            "/genre/movie/list",
            {"language": self.language},
            lambda data: [Genre.from_json(genre) for genre in data["genres"]],
        )

    def movie(self, tmdb_id: int) -> MovieDetails:
        return self._fetch(
            f"/movie/{int(tmdb_id)}", {"language": self.language}, MovieDetails.from_json
        )

    def find_by_imdb_id(self, imdb_id: str) -> list[MovieSummary]:
        """The movies TMDB knows under this IMDb id (``/find``; none when it knows none)."""
        return self._fetch(
            f"/find/{quote(imdb_id, safe='')}",
            {"external_source": "imdb_id", "language": self.language},
            lambda data: [MovieSummary.from_json(movie) for movie in data["movie_results"]],
        )

    def search_movies(
        self, query: str, *, year: int | None = None, page: int = 1
    ) -> Page[MovieSummary]:
        """Movies whose title, original or alternative title matches ``query``; ``year``: only
        those first released that year (TMDB's ``primary_release_year``)."""
        params = {
            "query": query,
            "primary_release_year": year,
            "include_adult": "false",
            "page": page,
            "language": self.language,
        }
        return self._fetch(
            "/search/movie", params, lambda data: Page.from_json(data, MovieSummary.from_json)
        )

    def popular(self, page: int = 1) -> Page[MovieSummary]:
        return self._movies("/movie/popular", page)

    def top_rated(self, page: int = 1) -> Page[MovieSummary]:
        return self._movies("/movie/top_rated", page)

    def now_playing(self, page: int = 1) -> Page[MovieSummary]:
        return self._movies("/movie/now_playing", page)

    def upcoming(self, page: int = 1) -> Page[MovieSummary]:
        return self._movies("/movie/upcoming", page)

    def trending(self, window: str = "day", page: int = 1) -> Page[MovieSummary]:
        if window not in TRENDING_WINDOWS:
            raise ValueError(f"window must be one of {TRENDING_WINDOWS}, not {window!r}")
        return self._movies(f"/trending/movie/{window}", page)

    def changes(
        self,
        start_date: datetime.date | None = None,
        end_date: datetime.date | None = None,
        page: int = 1,
    ) -> Page[ChangedItem]:
        """Movies edited between the dates (TMDB: the last 24 hours by default, 14 days max)."""
        params = {"start_date": start_date, "end_date": end_date, "page": page}
        return self._fetch(
            "/movie/changes", params, lambda data: Page.from_json(data, ChangedItem.from_json)
        )

    @staticmethod
    def iter_pages(
        fetch: Callable[..., Page[T]], *, max_pages: int | None = None, start: int = 1
    ) -> Iterator[Page[T]]:
        """Yield ``fetch(page=start)``, then the following pages, up to the last one (never
        past page 500, TMDB's cap) or ``max_pages`` pages, e.g. ``iter_pages(client.popular)``.
        """
        number = start
        for _ in itertools.count() if max_pages is None else range(max_pages):
            page = fetch(page=number)
            yield page
            if number >= min(page.total_pages, MAX_PAGE):
                return
            number += 1

    # Plumbing

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _movies(self, path: str, page: int) -> Page[MovieSummary]:
        return self._fetch(
            path,
            {"page": page, "language": self.language},
            lambda data: Page.from_json(data, MovieSummary.from_json),
        )

    def _fetch(self, path: str, params: Mapping[str, Any], parse: Callable[[Any], R]) -> R:
        data = self._get(path, params)
        try:
            return parse(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise TMDBUnavailable(f"GET {path}: unexpected response shape ({exc!r})") from exc

    def _get(self, path: str, params: Mapping[str, Any]) -> Any:
        try:
            data = self._call(path, params)
        except TMDBError as exc:
            CALLS.labels(_OUTCOMES[type(exc)]).inc()
            raise
        CALLS.labels("ok").inc()
        return data

    def _call(self, path: str, params: Mapping[str, Any]) -> Any:
        query = {name: value for name, value in params.items() if value is not None}
        if self._api_key and "Authorization" not in self._headers:
            query["api_key"] = self._api_key
        if self.wait_for_rate_cap:
            self.limiter.acquire()
        elif not self.limiter.try_acquire():
            raise TMDBCapReached(f"GET {path}: the rate cap has no free slot now")
        try:
            response = self._session.get(
                self.base_url + path, params=query, headers=self._headers, timeout=self.timeout
            )
        except _TRANSPORT_ERRORS as exc:
            cause = _cause(exc)
            raise TMDBUnavailable(f"GET {path}: {cause}") from cause
        if not response.ok:
            raise _error_for(path, response)
        try:
            return response.json()
        except requests.JSONDecodeError as exc:
            raise TMDBUnavailable(
                f"GET {path}: invalid JSON", status_code=response.status_code
            ) from exc


def _cause(exc: requests.RequestException) -> BaseException:
    """The urllib3 error under requests' one, whose message holds the URL, hence the api_key."""
    inner = exc.args[0] if exc.args else None
    inner = getattr(inner, "reason", inner)  # MaxRetryError wraps the last attempt's error
    return inner if isinstance(inner, BaseException) else exc


def _error_for(path: str, response: requests.Response) -> TMDBError:
    """The exception for an error response, carrying TMDB's code and message when the body is
    ``{"status_code", "status_message"}`` (or a validation error's ``{"errors": [...]}``)."""
    status = response.status_code
    tmdb_code = None
    message = f"HTTP {status} {response.reason}"
    try:
        body = response.json()
    except requests.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        if isinstance(body.get("status_code"), int):
            tmdb_code = body["status_code"]
        if body.get("status_message"):
            message = str(body["status_message"])
        elif body.get("errors"):
            message = "; ".join(str(error) for error in body["errors"])
    error_class = _ERRORS_BY_STATUS.get(status) or (
        TMDBUnavailable if status >= 500 else TMDBBadRequest
    )
    if error_class is TMDBRateLimited:
        return TMDBRateLimited(
            f"GET {path}: {message}",
            status_code=status,
            tmdb_code=tmdb_code,
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    return error_class(f"GET {path}: {message}", status_code=status, tmdb_code=tmdb_code)


def _retry_after(value: str | None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date); None
    without a valid one."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # an HTTP date is GMT
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, (moment - datetime.datetime.now(datetime.UTC)).total_seconds())
