"""CHANGELOG.md records what changes for clients; the schema's version is its newest release."""

import re
from pathlib import Path

from django.conf import settings

CHANGELOG = Path(__file__).resolve().parents[2] / "CHANGELOG.md"


def test_the_schema_version_is_the_newest_release():
    releases = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", CHANGELOG.read_text(), re.M
    )

    assert releases, "CHANGELOG.md lists no release"
    assert settings.SPECTACULAR_SETTINGS["VERSION"] == settings.API_VERSION == releases[0]
