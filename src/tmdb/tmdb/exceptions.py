"""What a TMDB call can raise. Catch ``TMDBError`` for all of them."""


class TMDBError(Exception):
    """A failed TMDB call.

    ``status_code`` is the HTTP status (None when no response came back); ``tmdb_code`` is the
    ``status_code`` field of TMDB's error body (7 invalid key, 34 not found...), None without one.
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, tmdb_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.tmdb_code = tmdb_code


class TMDBAuthError(TMDBError):
    """401: the API key or read token is missing, invalid or suspended (TMDB codes 3, 7, 10...)."""


class TMDBNotFound(TMDBError):
    """404: no such resource (TMDB code 34)."""


class TMDBRateLimited(TMDBError):
    """429 still returned once the retries are exhausted. ``retry_after``: the seconds TMDB's
    ``Retry-After`` asked to wait (None without one), for a job to try again no sooner."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        tmdb_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, tmdb_code=tmdb_code)
        self.retry_after = retry_after


class TMDBCapReached(TMDBError):
    """The client's own rate cap has no free slot now, and the caller would not wait for one
    (``TMDBClient(wait_for_rate_cap=False)``): nothing was sent."""


class TMDBUnavailable(TMDBError):
    """TMDB cannot be reached or answered garbage: 5xx after the retries, timeout, connection
    error, invalid JSON."""


class TMDBBadRequest(TMDBError):
    """Any other 4xx: TMDB rejected the parameters (e.g. code 22, invalid page)."""
