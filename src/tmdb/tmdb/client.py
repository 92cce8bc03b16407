"""A client for TMDB's v3 API: authentication, retries, a rate cap, and errors mapped to
``tmdb.exceptions``. It knows nothing of Django but ``from_settings``."""

import datetime
import itertools
import math
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tmdb.exceptions import (
    TMDBAuthError,
    TMDBBadRequest,
    TMDBError,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from tmdb.ratelimit import RateLimiter
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
_ERRORS_BY_STATUS: dict[int, type[TMDBError]] = {
    401: TMDBAuthError,
    404: TMDBNotFound,
    429: TMDBRateLimited,
}


class TMDBClient:
    """Talks to TMDB over one pooled ``requests.Session``.

    Authenticates with the v4 read access token (``Authorization: Bearer``) when given, else
    with the v3 ``api_key`` query parameter. Failed GETs (connection errors, timeouts, 429 and
    5xx) are retried by urllib3 with exponential backoff, honouring ``Retry-After`` up to
    ``backoff_max`` seconds. Every call first waits for the rate limiter, which all threads
    using the client share.
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
        language: str | None = "en-US",
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.language = language
        self.limiter = RateLimiter(rate_limit_per_second, clock=clock, sleep=sleep)
        self._api_key = api_key
        self._headers = {"Accept": "application/json"}
        if read_access_token:
            self._headers["Authorization"] = f"Bearer {read_access_token}"
        self._session = requests.Session()
        retry = Retry(
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
        query = {name: value for name, value in params.items() if value is not None}
        if self._api_key and "Authorization" not in self._headers:
            query["api_key"] = self._api_key
        self.limiter.acquire()
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
    return error_class(f"GET {path}: {message}", status_code=status, tmdb_code=tmdb_code)
