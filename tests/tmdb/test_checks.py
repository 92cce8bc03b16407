import pytest
from django.core.checks import Error, Info, run_checks

VALID = {
    "API_KEY": "key",
    "READ_ACCESS_TOKEN": "",
    "BASE_URL": "https://api.themoviedb.org/3",
    "IMAGE_BASE_URL": "https://image.tmdb.org/t/p/",
    "POSTER_SIZE": "w500",
    "BACKDROP_SIZE": "w1280",
    "TIMEOUT": (3.05, 10.0),
    "MAX_RETRIES": 4,
    "RATE_LIMIT_PER_SECOND": 20.0,
    "LANGUAGE": "en-US",
}


def tmdb_messages(settings, **overrides: object) -> list[tuple[type, str]]:
    """The tmdb checks' (class, id) pairs, run through Django's registry with these settings."""
    settings.TMDB = {**VALID, **overrides}
    return [
        (type(message), message.id)
        for message in run_checks()
        if message.id and message.id.startswith("tmdb.")
    ]


def test_valid_settings_pass(settings) -> None:
    assert tmdb_messages(settings) == []


def test_unknown_key(settings) -> None:
    settings.TMDB = {**VALID, "APIKEY": "typo"}

    (message,) = [m for m in run_checks() if m.id == "tmdb.E001"]

    assert "APIKEY" in message.msg


@pytest.mark.parametrize("name", ["BASE_URL", "IMAGE_BASE_URL"])
@pytest.mark.parametrize("value", ["ftp://api.themoviedb.org/3", "api.themoviedb.org/3", "", 3])
def test_urls_must_be_http(settings, name: str, value: object) -> None:
    assert tmdb_messages(settings, **{name: value}) == [(Error, "tmdb.E002")]


def test_plain_http_url_is_accepted(settings) -> None:
    assert tmdb_messages(settings, BASE_URL="http://127.0.0.1:8001/3") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_PER_SECOND", 0),
        ("RATE_LIMIT_PER_SECOND", -5.0),
        ("RATE_LIMIT_PER_SECOND", "20"),
        ("RATE_LIMIT_PER_SECOND", True),
        ("MAX_RETRIES", -1),
        ("MAX_RETRIES", 2.5),
        ("MAX_RETRIES", True),
        ("TIMEOUT", 0),
        ("TIMEOUT", "10"),
        ("TIMEOUT", (3.05,)),
        ("TIMEOUT", (3.05, -1)),
        ("TIMEOUT", (3.05, None)),
    ],
)
def test_bad_numbers(settings, name: str, value: object) -> None:
    assert tmdb_messages(settings, **{name: value}) == [(Error, "tmdb.E003")]


@pytest.mark.parametrize(
    ("name", "value"),
    [("MAX_RETRIES", 0), ("TIMEOUT", 5), ("TIMEOUT", [1, 2.5]), ("RATE_LIMIT_PER_SECOND", 1)],
)
def test_good_numbers(settings, name: str, value: object) -> None:
    assert tmdb_messages(settings, **{name: value}) == []


def test_info_without_credentials(settings) -> None:
    settings.TMDB = {**VALID, "API_KEY": ""}

    (message,) = [m for m in run_checks() if m.id == "tmdb.I001"]

    assert isinstance(message, Info)
    assert "the catalog serves stored data only" in message.msg


def test_a_read_token_alone_is_enough(settings) -> None:
    assert tmdb_messages(settings, API_KEY="", READ_ACCESS_TOKEN="token") == []
