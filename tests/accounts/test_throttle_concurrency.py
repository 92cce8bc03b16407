"""Throttles count atomically across workers (PostgreSQL + Redis): parallel requests from one
address are refused past the rate exactly, not after a few more slipped through between
another request's read and write of the count."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from tests.concurrency import POSTGRES_ONLY, in_threads

pytestmark = [
    *POSTGRES_ONLY,
    pytest.mark.skipif(
        "django_redis" not in settings.CACHES["default"]["BACKEND"], reason="needs Redis"
    ),
]


def test_parallel_registrations_from_one_address_stop_at_the_rate(throttle_rates):
    throttle_rates(register="5/min")
    statuses: list[int] = []

    def register(i: int) -> None:
        body = {
            "username": f"racer{i}",
            "email": f"racer{i}@example.com",
            "password": "s3cret-Pass!word",
        }
        response = APIClient().post(reverse("accounts:register"), body, format="json")
        statuses.append(response.status_code)

    in_threads(register, [(i,) for i in range(12)], timeout=60)

    assert sorted(statuses) == [201] * 5 + [429] * 7
    assert User.objects.count() == 5
