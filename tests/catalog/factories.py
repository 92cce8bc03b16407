import datetime

import factory

from catalog.models import Genre, Movie
from tmdb.types import MovieSummary


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["id"]

    id = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Genre {n}")


class MovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movie
        skip_postgeneration_save = True

    tmdb_id = factory.Sequence(lambda n: 100_000 + n)
    title = factory.Sequence(lambda n: f"Movie {n}")
    overview = factory.Faker("sentence")
    release_date = factory.Sequence(lambda n: datetime.date(1990, 1, 1) + datetime.timedelta(n))
    release_year = factory.LazyAttribute(lambda m: m.release_date.year if m.release_date else None)
    poster_path = factory.Sequence(lambda n: f"/poster{n}.jpg")
    backdrop_path = factory.Sequence(lambda n: f"/backdrop{n}.jpg")
    popularity = factory.Sequence(lambda n: float(n % 97))
    vote_average = factory.Sequence(lambda n: round((n % 100) / 10, 1))
    vote_count = 100

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.genres.set(extracted)


def tmdb_summary(tmdb_id: int, title: str, **fields) -> MovieSummary:
    """A TMDB list item, as the client parses it, for sync tests."""
    values = {
        "original_title": title, "overview": "", "release_date": None, "poster_path": None,
        "backdrop_path": None, "genre_ids": (), "popularity": None, "vote_average": None,
        "vote_count": None, "adult": False, "original_language": "en",
    }  # fmt: skip
    return MovieSummary(id=tmdb_id, title=title, **{**values, **fields})
