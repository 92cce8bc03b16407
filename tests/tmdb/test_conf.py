import pytest

from tmdb.conf import DEFAULTS, is_configured, tmdb_settings


def test_settings_are_read_on_every_access(settings) -> None:
    settings.TMDB = {**settings.TMDB, "LANGUAGE": "de-DE"}
    assert tmdb_settings.LANGUAGE == "de-DE"

    settings.TMDB = {**settings.TMDB, "LANGUAGE": "fr-FR"}
    assert tmdb_settings.LANGUAGE == "fr-FR"


def test_missing_keys_fall_back_to_defaults(settings) -> None:
    settings.TMDB = {}

    assert tmdb_settings.MAX_RETRIES == DEFAULTS["MAX_RETRIES"] == 4
    assert tmdb_settings.TIMEOUT == (3.05, 10.0)


def test_unknown_setting() -> None:
    with pytest.raises(AttributeError, match="Unknown TMDB setting: API_SECRET"):
        _ = tmdb_settings.API_SECRET


@pytest.mark.parametrize(
    ("api_key", "token", "configured"),
    [("", "", False), ("key", "", True), ("", "token", True)],
)
def test_is_configured(settings, api_key: str, token: str, configured: bool) -> None:
    settings.TMDB = {**settings.TMDB, "API_KEY": api_key, "READ_ACCESS_TOKEN": token}

    assert is_configured() is configured
