"""The catalog's cache keys, and the catalog version that invalidates them all at once (see
``core.versioned_cache``): any change to movies or genres bumps it."""

import hashlib

from core.versioned_cache import Namespace

CATALOG = Namespace("catalog:version")
COUNT_KEY_PREFIX = "catalog:count"


def movie_list_key(url: str) -> str:
    """One entry per canonical URL of a page (``core.api.pagination.canonical_url``: the host,
    and the parameters the list reads)."""
    return f"catalog:movies:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


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
