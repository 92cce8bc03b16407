import factory

from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from watchlist.models import WatchlistItem


class WatchlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchlistItem

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
