"""Usernames that could pass for one another are one: compared by one folding rule everywhere
(NFKC, then Unicode case folding: "ß" is "ss", "Ä" is "ä" on SQLite too), and names mixing
scripts with look-alike letters are refused."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
TAKEN = {"username": ["A user with that username already exists."]}
FULLWIDTH_ALICE = "\uff41\uff4c\uff49\uff43\uff45"
CYRILLIC_A_ALICE = "\u0430lice"


def register(username: str, email: str = "new@example.com"):
    body = {"username": username, "email": email, "password": DEFAULT_PASSWORD}
    return APIClient().post(REGISTER, body, format="json")


# Names equal once folded: lower() alone told the first two apart, SQLite's even the last.
FOLDED_TWINS = [
    ("bosslady", "bo\u00dflady"),
    ("BOSSLADY", "bo\u00dflady"),
    ("\u00c4rger", "\u00e4rger"),
]


@pytest.mark.parametrize("twin", ["Alice", "ALICE", "ALICE ", " alice", FULLWIDTH_ALICE])
def test_a_name_differing_in_case_spaces_or_width_is_taken(twin):
    UserFactory(username="alice")

    response = register(twin)

    assert (response.status_code, response.json()) == (400, TAKEN)
    assert User.objects.count() == 1


def test_a_name_mixing_scripts_with_look_alike_letters_is_refused():
    response = register(CYRILLIC_A_ALICE)

    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert "one script" in response.json()["username"][0]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "name", ["Jos\u00e9", "\u0414\u043c\u0438\u0442\u0440\u0438\u0439", "\u5c71\u7530", "r2-d2"]
)
def test_names_of_one_script_are_welcome(name):
    assert register(name).status_code == 201


def test_a_name_is_stored_in_its_nfkc_form():
    assert register(FULLWIDTH_ALICE).status_code == 201

    assert User.objects.get().username == "alice"


@pytest.mark.parametrize("typed", ["alice", "Alice", "ALICE", FULLWIDTH_ALICE, " alice "])
def test_login_finds_the_account_however_its_name_is_typed(typed):
    UserFactory(username="alice")

    response = APIClient().post(
        reverse("accounts:token-obtain"),
        {"username": typed, "password": DEFAULT_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["user"]["username"] == "alice"


def test_the_database_refuses_a_case_twin_too():
    UserFactory(username="alice")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ALICE", email="other@example.com")


@pytest.mark.parametrize(("name", "twin"), FOLDED_TWINS)
def test_names_equal_once_case_folded_are_one_account(name, twin):
    UserFactory(username=name)

    response = register(twin)

    assert (response.status_code, response.json()) == (400, TAKEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=twin, email="other@example.com")


@pytest.mark.parametrize(("name", "typed"), FOLDED_TWINS)
def test_login_folds_the_name_as_uniqueness_does(name, typed):
    UserFactory(username=name)

    response = APIClient().post(
        reverse("accounts:token-obtain"),
        {"username": typed, "password": DEFAULT_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["user"]["username"] == name
