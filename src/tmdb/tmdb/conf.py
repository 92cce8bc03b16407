"""The tmdb app's settings: ``settings.TMDB`` over these defaults."""

from core.conf import AppSettings

DEFAULTS = {
    # v3 API key, sent as the ``api_key`` query parameter.
    "API_KEY": "",
    # v4 read access token, sent as ``Authorization: Bearer``; preferred over API_KEY.
    "READ_ACCESS_TOKEN": "",
    "BASE_URL": "https://api.themoviedb.org/3",
    "IMAGE_BASE_URL": "https://image.tmdb.org/t/p/",
    "POSTER_SIZE": "w500",
    "BACKDROP_SIZE": "w1280",
    # (connect, read) seconds, as requests takes it.
    "TIMEOUT": (3.05, 10.0),
    "MAX_RETRIES": 4,
    # Client-side cap, kept well below the per-IP limit TMDB enforces.
    "RATE_LIMIT_PER_SECOND": 20.0,
    # Where the cap is counted (the ``limits`` library's storage URI): "redis://..." for one
    # budget across every process and machine, "memory://" for this process's.
    "RATE_LIMIT_STORAGE": "memory://",
    "LANGUAGE": "en-US",
}

tmdb_settings = AppSettings("TMDB", DEFAULTS)


def is_configured() -> bool:
    """Whether TMDB can be called at all: an API key or a read access token is set."""
    return bool(tmdb_settings.API_KEY or tmdb_settings.READ_ACCESS_TOKEN)
