"""Each app's namespaced settings block (``settings.CATALOG``, ``settings.TMDB``, ...) read over
the app's defaults, as DRF's ``api_settings`` and django-filter's ``settings`` do."""

from collections.abc import Iterable, Mapping
from typing import Any

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
