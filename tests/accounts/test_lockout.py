"""Login lockouts (django-axes): failures are counted per account and per client address, at
/api/token/ and the admin's login; a locked-out account or address is refused even with the
right password, until the cool-off."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.lockout import LOCKED_OUT
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

# Over django-axes' 255-character username column once folded (NFKC, then casefold): "ß" folds
# to "ss", U+FDFA to 18 characters.
OVERLONG = ["a" * 256, "\u00df" * 128, "\ufdfa" * 20]

pytestmark = pytest.mark.django_db

TOKEN = reverse("accounts:token-obtain")
LIMIT = 5  # AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _no_throttle(throttle_rates):
    """The per-address throttle would answer 429 first: these tests are about the lockouts."""
    throttle_rates(token="1000/min")


def login(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_an_account_is_locked_after_failures_from_any_addresses(user):
    failures = [login(user.username, "wrong", f"10.0.1.{i}") for i in range(LIMIT)]

    right = login(user.username, DEFAULT_PASSWORD, "10.0.2.1")

    assert [f.status_code for f in failures] == [400] * (LIMIT - 1) + [429]  # the last locks
    assert right.status_code == 429
    assert right.json() == {"detail": LOCKED_OUT}
    assert int(right["Retry-After"]) == 15 * 60
    assert login(UserFactory().username, DEFAULT_PASSWORD, "10.0.2.1").status_code == 200


def test_the_account_is_one_whatever_the_case_or_width_of_its_name(user):
    variants = [user.username.upper(), user.username.title(), user.username, " " + user.username]
    for i in range(LIMIT):
        login(variants[i % len(variants)], "wrong", f"10.0.3.{i}")

    assert login(user.username, DEFAULT_PASSWORD, "10.0.4.1").status_code == 429


def test_an_address_is_locked_after_failures_on_any_accounts():
    for i in range(LIMIT):
        login(f"nobody{i}", "wrong", "10.0.5.1")
    someone = UserFactory()

    assert login(someone.username, DEFAULT_PASSWORD, "10.0.5.1").status_code == 429
    assert login(someone.username, DEFAULT_PASSWORD, "10.0.5.2").status_code == 200


def test_a_success_before_the_limit_starts_the_accounts_count_again(user):
    for _ in range(LIMIT - 1):
        login(user.username, "wrong", "10.0.6.1")
    assert login(user.username, DEFAULT_PASSWORD, "10.0.6.1").status_code == 200

    for _ in range(LIMIT - 1):
        login(user.username, "wrong", "10.0.6.2")

    assert login(user.username, DEFAULT_PASSWORD, "10.0.6.2").status_code == 200


def test_the_admin_login_is_locked_too():
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin.user_permissions.set(Permission.objects.none())
    browser = Client()
    url = reverse("admin:login")
    for _ in range(LIMIT - 1):
        wrong = browser.post(url, {"username": admin.username, "password": "wrong"})
        assert wrong.status_code == 200  # the form again, with its error
    assert browser.post(url, {"username": admin.username, "password": "x"}).status_code == 429

    right = browser.post(url, {"username": admin.username, "password": DEFAULT_PASSWORD})

    assert right.status_code == 429
    assert "_auth_user_id" not in browser.session
    assert browser.get(reverse("admin:index")).status_code == 302  # still to the login page


def test_a_success_clears_only_the_failures_of_the_account_that_logged_in(user):
    """Failures against one account, each run followed by a success on another account from the
    same address: the success must not wipe the first account's count."""
    attacker = UserFactory()
    guesses = []
    for _ in range(2):
        guesses += [login(user.username, "wrong", "10.0.7.1") for _ in range(LIMIT - 1)]
        login(attacker.username, DEFAULT_PASSWORD, "10.0.7.1")

    assert [g.status_code for g in guesses[: LIMIT - 1]] == [400] * (LIMIT - 1)
    assert guesses[LIMIT - 1].status_code == 429  # the account's 5th failure locks it
    assert login(user.username, DEFAULT_PASSWORD, "10.0.7.2").status_code == 429


@pytest.mark.parametrize("name", OVERLONG)
def test_a_name_too_long_for_the_failure_records_is_a_failure_like_any_other(name):
    """(A 500 on PostgreSQL, whose column refused it.)"""
    responses = [login(name, "wrong", "10.0.8.1") for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [400] * (LIMIT - 1) + [429]
    assert all(len(a.username) <= 255 for a in AccessAttempt.objects.all())
    assert login(name, "wrong", "10.0.8.2").status_code == 429  # still one account's failures


names = st.one_of(
    st.text(max_size=300),
    st.sampled_from(OVERLONG),
    st.tuples(st.sampled_from("aß\ufdfa\uff41"), st.integers(100, 300)).map(lambda c: c[0] * c[1]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names)
def test_no_username_makes_a_login_fail(db, name):
    response = login(name, "wrong", "10.0.9.1")

    assert response.status_code in (400, 429), (name, response.content[:300])
    AccessAttempt.objects.all().delete()  # the next example starts unlocked
