import factory

from favorites.models import FavoriteMovie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory


class FavoriteMovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FavoriteMovie

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
