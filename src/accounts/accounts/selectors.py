from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

from accounts.conf import accounts_settings
from accounts.models import User


def user_favorite_movie_ids(*, user: User) -> list[int]:
    """The user's favorite movie ids, from the app wired in ``ACCOUNTS['FAVORITE_MOVIE_IDS']``."""
    provider = accounts_settings.FAVORITE_MOVIE_IDS
    return list(provider(user=user)) if provider else []


def _exporters() -> dict[str, Callable[..., dict[str, Any]]]:
    paths: dict[str, str] = accounts_settings.EXPORTERS
    return {name: import_string(path) for name, path in paths.items()}


def user_export_parts(*, user: User) -> dict[str, dict[str, Any]]:
    """What each app wired in ``ACCOUNTS['EXPORTERS']`` stores about the user, by part."""
    return {name: dict(export(user=user)) for name, export in _exporters().items()}
