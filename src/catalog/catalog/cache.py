"""The catalog's cache keys, and the catalog version that invalidates them all at once (see
``core.versioned_cache``): any change to movies or genres bumps it."""

import hashlib
from collections.abc import Iterable

from core.versioned_cache import Namespace

CATALOG = Namespace("catalog:version")
COUNT_KEY_PREFIX = "catalog:count"


def movie_list_key(*, base_url: str, params: Iterable[tuple[str, str]]) -> str:
    """One entry per (host, every query parameter) combination; order of parameters ignored."""
    parts = "\x1f".join([base_url, *map("=".join, sorted(params))])
    return f"catalog:movies:{hashlib.sha256(parts.encode()).hexdigest()[:32]}"


def movie_detail_key(movie_id: int) -> str:
    return f"catalog:movie:{movie_id}"


def movie_namespace(movie_id: int) -> Namespace:
    """One movie's detail, with the catalog version: bumped when another app's part of it
    changes (``movie_details_changed``), which leaves every other cached page valid."""
    return Namespace(f"catalog:movie:{movie_id}:version")


def genre_list_key() -> str:
    return "catalog:genres"


def details_failed_key(movie_id: int) -> str:
    """Set when TMDB failed to give a movie's details, so we do not ask again at once."""
    return f"catalog:details-failed:{movie_id}"
