from decimal import Decimal

import factory

from ratings.models import Rating
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    value = Decimal("7.5")
