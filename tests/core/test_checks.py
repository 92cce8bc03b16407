"""The settings checks every app registers through ``core.checks.settings_messages``."""

import pytest

from core import checks
from core.checks import Rule, settings_messages
from core.conf import AppSettings

SETTINGS = AppSettings("TESTAPP", {"SIZE": 10, "RATIO": 0.5, "URL": "https://example.org/"})
RULES = [
    Rule(("SIZE",), checks.positive_int, "must be a positive integer", "testapp.E002"),
    Rule(("RATIO",), checks.number_between(0, 1), "must be between 0 and 1", "testapp.E003"),
    Rule(("URL",), checks.http_url, "must be an http(s) URL", "testapp.E004"),
]


def messages(settings, block, **kwargs) -> list[tuple[str, str]]:
    settings.TESTAPP = block
    found = settings_messages(SETTINGS, label="testapp", rules=RULES, **kwargs)
    return [(message.id, message.msg) for message in found]


def test_the_defaults_pass(settings):
    assert messages(settings, {}) == []


def test_unknown_names_are_listed(settings):
    assert messages(settings, {"SIZES": 1, "RATION": 2}) == [
        ("testapp.E001", "Unknown TESTAPP settings: RATION, SIZES")
    ]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"SIZE": 0}, ("testapp.E002", "TESTAPP['SIZE'] must be a positive integer.")),
        ({"SIZE": True}, ("testapp.E002", "TESTAPP['SIZE'] must be a positive integer.")),
        ({"SIZE": 2.0}, ("testapp.E002", "TESTAPP['SIZE'] must be a positive integer.")),
        ({"RATIO": 1.5}, ("testapp.E003", "TESTAPP['RATIO'] must be between 0 and 1.")),
        ({"RATIO": "0.5"}, ("testapp.E003", "TESTAPP['RATIO'] must be between 0 and 1.")),
        ({"URL": "ftp://x/"}, ("testapp.E004", "TESTAPP['URL'] must be an http(s) URL.")),
    ],
)
def test_each_rule_reports_its_setting(settings, block, expected):
    assert messages(settings, block) == [expected]


def test_required_apps_must_be_installed(settings):
    found = messages(settings, {}, requires=["catalog", "nowhere"], requires_id="testapp.E005")

    assert found == [("testapp.E005", "testapp needs the nowhere app installed.")]


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (checks.positive_number, [0.1, 3], [0, -1, True, "1", None]),
        (checks.non_negative_int, [0, 5], [-1, 1.0, False, None]),
        (checks.one_of("Lax", "None"), ["Lax", "None"], ["lax", None]),
        (checks.http_url, ["http://127.0.0.1:8001/3"], ["example.org", "", 3]),
    ],
)
def test_validators(validator, good, bad):
    assert all(validator(value) for value in good)
    assert not any(validator(value) for value in bad)
