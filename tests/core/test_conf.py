"""Each app's settings block over its defaults (the model: DRF's ``api_settings``)."""

import pytest
from django.test import override_settings

from core.conf import AppSettings

DEFAULTS = {"TIMEOUT": 60, "HOOK": None, "NAMES": ["a"]}


@pytest.fixture
def app_settings() -> AppSettings:
    return AppSettings("TESTAPP", DEFAULTS, import_strings=["HOOK"])


def hook() -> str:
    return "hooked"


def test_defaults_when_the_project_sets_nothing(app_settings):
    assert app_settings.TIMEOUT == 60
    assert app_settings.HOOK is None
    assert app_settings.user_settings == {}


def test_the_projects_values_override_the_defaults(settings, app_settings):
    settings.TESTAPP = {"TIMEOUT": 5}

    assert app_settings.TIMEOUT == 5
    assert app_settings.NAMES == ["a"]


def test_values_are_reloaded_when_the_setting_changes(settings, app_settings):
    assert app_settings.TIMEOUT == 60

    with override_settings(TESTAPP={"TIMEOUT": 1}):
        assert app_settings.TIMEOUT == 1
    assert app_settings.TIMEOUT == 60

    settings.TESTAPP = {"TIMEOUT": 2}
    assert app_settings.TIMEOUT == 2


def test_other_settings_changing_keep_the_values(settings, app_settings):
    settings.TESTAPP = {"TIMEOUT": 3}
    assert app_settings.TIMEOUT == 3

    settings.OTHER = {"TIMEOUT": 4}

    assert app_settings.__dict__["TIMEOUT"] == 3  # still cached, not re-read


def test_dotted_paths_are_imported_once(settings, app_settings, monkeypatch):
    settings.TESTAPP = {"HOOK": "tests.core.test_conf.hook"}
    imports = []
    monkeypatch.setattr("core.conf.import_string", lambda path: imports.append(path) or hook)

    assert app_settings.HOOK() == app_settings.HOOK() == "hooked"
    assert imports == ["tests.core.test_conf.hook"]


def test_a_dotted_path_that_cannot_be_imported_raises_on_access(settings, app_settings):
    settings.TESTAPP = {"HOOK": "nowhere.at_all"}

    with pytest.raises(ImportError):
        _ = app_settings.HOOK


def test_unknown_names_are_attribute_errors(app_settings):
    with pytest.raises(AttributeError, match="Unknown TESTAPP setting: TIMEOUTS"):
        _ = app_settings.TIMEOUTS
