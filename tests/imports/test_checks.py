"""The imports app's settings check: IMPORTS' limits and its targets."""

import pytest

from imports.checks import check_imports_settings

MUST = "must map some of plays, ratings, watchlist, favorites to the dotted path of a function"


def found(settings, **block) -> list[tuple[str, str]]:
    settings.IMPORTS = {**settings.IMPORTS, **block}
    return [(m.id, m.msg) for m in check_imports_settings(None)]


def test_the_projects_settings_pass(settings):
    assert found(settings) == []


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"TARGETS": {"plays": "history.services.no_such_function"}},
            f"IMPORTS['TARGETS'] {MUST}.",
        ),
        ({"TARGETS": {"reviews": "history.services.plays_import"}}, f"IMPORTS['TARGETS'] {MUST}."),
        ({"TARGETS": ["history.services.plays_import"]}, f"IMPORTS['TARGETS'] {MUST}."),
        ({"MAX_UPLOAD_BYTES": 0}, "IMPORTS['MAX_UPLOAD_BYTES'] must be a positive integer."),
        ({"STALE_FAIL_HOURS": 1.5}, "IMPORTS['STALE_FAIL_HOURS'] must be a positive integer."),
    ],
)
def test_a_wrong_setting_is_reported(settings, block, message):
    assert found(settings, **block) == [("imports.E002", message)]
