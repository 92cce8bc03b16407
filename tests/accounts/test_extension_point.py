import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def favorite_ids_stub(*, user):
    return [user.id * 10, 7]


def test_token_lists_favorites_from_the_configured_provider(api_client, user, settings):
    settings.ACCOUNTS = {
        **settings.ACCOUNTS,
        "FAVORITE_MOVIE_IDS": "tests.accounts.test_extension_point.favorite_ids_stub",
    }

    response = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    )

    assert response.json()["user"]["favorite_movies"] == [user.id * 10, 7]


def test_check_reports_a_provider_that_cannot_be_imported(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "FAVORITE_MOVIE_IDS": "nowhere.at_all"}

    with pytest.raises(SystemCheckError, match=r"accounts\.E002"):
        call_command("check")


def test_check_reports_unknown_settings(settings):
    settings.ACCOUNTS = {**settings.ACCOUNTS, "COOKIE_MOOD": True}

    with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
        call_command("check")
