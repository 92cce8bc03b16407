"""Each app's namespaced settings block (``settings.CATALOG``, ``settings.TMDB``, ...) read over
the app's defaults, as DRF's ``api_settings`` and django-filter's ``settings`` do."""

import importlib.util
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string


class AppSettings:
    """``settings.<name>`` over ``defaults``, read on first access and kept.

    Names in ``import_strings`` hold dotted paths, imported once (an ``ImportError`` is raised
    on access; the app's system check reports it at start). A change to ``settings.<name>``
    (``override_settings``, pytest-django's ``settings``) reloads every value.
    """

    def __init__(
        self, name: str, defaults: Mapping[str, Any], *, import_strings: Iterable[str] = ()
    ) -> None:
        self.name = name
        self.defaults = dict(defaults)
        self.import_strings = frozenset(import_strings)
        self._cached: set[str] = set()
        setting_changed.connect(self._setting_changed, weak=False)

    @property
    def user_settings(self) -> dict[str, Any]:
        """The project's own ``settings.<name>`` block (unknown keys included)."""
        return dict(getattr(settings, self.name, {}))

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Unknown {self.name} setting: {attr}")
        value = self.user_settings.get(attr, self.defaults[attr])
        if attr in self.import_strings and isinstance(value, str):
            value = import_string(value)
        setattr(self, attr, value)  # later reads skip __getattr__
        self._cached.add(attr)
        return value

    def reload(self) -> None:
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()

    def _setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting == self.name:
            self.reload()


def installed_paths(paths: Iterable[str]) -> list[str]:
    """``paths`` but those in a Django app (a package with an ``apps`` module) that is not
    installed: an extension point's entries for an app the project left out contribute nothing
    (importing them would fail, their models being unregistered). Other paths are kept, so a
    wrong one still fails the app's system check."""
    return [path for path in paths if not _left_out_app(path.partition(".")[0])]


def _left_out_app(package: str) -> bool:
    if apps.is_installed(package):
        return False
    try:
        return importlib.util.find_spec(f"{package}.apps") is not None
    except ImportError:  # no such package
        return False


def installed_entries(paths: Mapping[str, str]) -> dict[str, str]:
    """``installed_paths`` for an extension point of named entries (``{name: dotted path}``)."""
    return {name: path for name, path in paths.items() if installed_paths([path])}
