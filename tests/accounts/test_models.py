import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts import services
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_unique_regardless_of_case_in_the_database():
    UserFactory(email="ann@example.com")

    with pytest.raises(IntegrityError):
        UserFactory(email="ANN@example.com")


def test_user_create_validates_before_saving():
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="bad name!", email="x@example.com", password="Long-enough-9")

    assert "username" in exc.value.message_dict
