import datetime

import factory

from history.models import Play
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory


class PlayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Play

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    watched_on = datetime.date(2024, 5, 1)
