from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

from accounts.conf import accounts_settings
from accounts.models import User
from core.conf import installed_entries


def user_favorite_movie_ids(*, user: User) -> list[int]:
    """The user's favorite movie ids, from the app wired in ``ACCOUNTS['FAVORITE_MOVIE_IDS']``."""
    provider = accounts_settings.FAVORITE_MOVIE_IDS
    return list(provider(user=user)) if provider else []


def _providers(paths: dict[str, str]) -> dict[str, Callable[..., Any]]:
    """The functions of an extension point, for the apps that are installed."""
    return {name: import_string(path) for name, path in installed_entries(paths).items()}


def _exporters() -> dict[str, Callable[..., dict[str, Any]]]:
    return _providers(accounts_settings.EXPORTERS)


def user_export_parts(*, user: User) -> dict[str, dict[str, Any]]:
    """What each app wired in ``ACCOUNTS['EXPORTERS']`` stores about the user, by part."""
    return {name: dict(export(user=user)) for name, export in _exporters().items()}


def account_states(*, user: User, movie_ids: list[int]) -> list[dict[str, Any]]:
    """For each movie, in order, what each app wired in ``ACCOUNTS['ACCOUNT_STATES']`` knows of
    the user and it: ``{"id": movie id, "<part>": value}``, the value being what the part's
    function (``f(*, user, movie_ids) -> {movie id: value}``, one query) answers, else its
    absent value (``ACCOUNT_STATE_ABSENT``: False for ``hidden``, None otherwise)."""
    found = {
        part: states(user=user, movie_ids=movie_ids)
        for part, states in _providers(accounts_settings.ACCOUNT_STATES).items()
    }
    absent = accounts_settings.ACCOUNT_STATE_ABSENT
    return [
        {
            "id": movie_id,
            **{part: by_movie.get(movie_id, absent.get(part)) for part, by_movie in found.items()},
        }
        for movie_id in movie_ids
    ]


def password_reset_user(*, email: str) -> User | None:
    """The active account with this address (regardless of case) that has a password to reset."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    return user if user is not None and user.has_usable_password() else None
