"""The signals of other apps, through ``RECOMMENDATIONS['BUILD_SIGNALS']``, ``USER_SIGNALS``
and ``USER_NAMESPACES`` (only the entries of installed apps): ratings and the watchlist reach
the recommender without recommendations importing them."""

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.module_loading import import_string

from core.conf import installed_paths
from core.versioned_cache import Namespace
from recommendations.conf import recommendations_settings


def _functions(name: str) -> list[Callable[..., Any]]:
    return _imported(tuple(getattr(recommendations_settings, name)))


@functools.cache
def _imported(paths: tuple[str, ...]) -> list[Callable[..., Any]]:
    """Once per list of paths (the apps installed do not change while a process runs): a
    cached recommendations page names the user's namespaces on every request."""
    return [import_string(path) for path in installed_paths(paths)]


def build_positives() -> Iterator[tuple[int, int, float]]:
    """(user id, movie id, weight) of every build signal weighing > 0: a positive, with the
    weight its source gives it (1 weighs as a favorite; a watched movie less)."""
    for source in _functions("BUILD_SIGNALS"):
        for user_id, movie_id, weight in source():
            if weight > 0:
                yield user_id, movie_id, float(weight)


def user_signals(*, user_id: int) -> list[tuple[int, float]]:
    """(movie id, weight) of every user signal, in the order of the settings' sources."""
    return [pair for source in _functions("USER_SIGNALS") for pair in source(user_id=user_id)]


def user_namespaces(user_id: int) -> list[Namespace]:
    return [namespace(user_id) for namespace in _functions("USER_NAMESPACES")]
