"""The system checks every app runs on its settings block: no unknown names, every value valid,
the apps it needs installed. An app registers one check that calls ``settings_messages``."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Real
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

from core.conf import AppSettings

Validator = Callable[[Any], bool]


@dataclass(frozen=True)
class Rule:
    """``names`` must each pass ``valid``; else ``<NAME>['<name>'] <must>.`` with ``id``."""

    names: tuple[str, ...]
    valid: Validator
    must: str
    id: str


def settings_messages(
    app_settings: AppSettings,
    *,
    label: str,
    rules: Iterable[Rule] = (),
    requires: Iterable[str] = (),
    requires_id: str = "",
) -> list[CheckMessage]:
    """Errors for unknown names (``<label>.E001``), values failing their rule (the raw value,
    before any import) and required apps (by module name) that are not installed."""
    name = app_settings.name
    messages: list[CheckMessage] = []
    unknown = set(app_settings.user_settings) - set(app_settings.defaults)
    if unknown:
        messages.append(
            Error(f"Unknown {name} settings: {', '.join(sorted(unknown))}", id=f"{label}.E001")
        )
    for rule in rules:
        for setting in rule.names:
            value = app_settings.user_settings.get(setting, app_settings.defaults[setting])
            if not rule.valid(value):
                messages.append(Error(f"{name}['{setting}'] {rule.must}.", id=rule.id))
    for needed in requires:
        if not apps.is_installed(needed):
            messages.append(Error(f"{label} needs the {needed} app installed.", id=requires_id))
    return messages


def import_problem(path: str) -> str | None:
    """Why the dotted ``path`` does not name a callable (None: it does)."""
    try:
        imported = import_string(path)
    except ImportError as exc:
        return str(exc)
    return None if callable(imported) else f"{path} is not callable"


def is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def positive_number(value: Any) -> bool:
    return is_number(value) and value > 0


def positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def non_negative_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def number_between(low: float, high: float) -> Validator:
    return lambda value: is_number(value) and low <= value <= high


def one_of(*choices: Any) -> Validator:
    return lambda value: value in choices


def http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
