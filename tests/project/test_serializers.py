"""``BuiltOnceModelSerializer``: fields built from the model once per class, same output."""

import pytest
from rest_framework import serializers
from rest_framework.utils import model_meta

from catalog.models import Movie
from catalog.serializers import GenreSerializer, MovieDetailSerializer, MovieListSerializer
from recommendations.serializers import RecommendationSerializer
from tests.catalog.factories import GenreFactory, MovieFactory


class PlainMovieDetailSerializer(serializers.ModelSerializer):
    """What ``MovieDetailSerializer`` would be as a plain ``ModelSerializer``."""

    Meta = MovieDetailSerializer.Meta
    genres = MovieDetailSerializer._declared_fields["genres"]
    description = MovieListSerializer._declared_fields["description"]
    poster_path = serializers.SerializerMethodField()
    backdrop_path = serializers.SerializerMethodField()
    get_poster_path = MovieDetailSerializer.get_poster_path
    get_backdrop_path = MovieDetailSerializer.get_backdrop_path


@pytest.mark.django_db
def test_built_once_serializer_gives_what_a_model_serializer_gives():
    movie = MovieFactory(genres=[GenreFactory(), GenreFactory()])

    assert MovieDetailSerializer(movie).data == PlainMovieDetailSerializer(movie).data


@pytest.mark.django_db
def test_built_once_serializer_reads_the_model_once_per_class(monkeypatch):
    movies = [MovieFactory(genres=[GenreFactory()]) for _ in range(3)]
    reads = []
    original = model_meta.get_field_info
    monkeypatch.setattr(
        "rest_framework.serializers.model_meta.get_field_info",
        lambda model: reads.append(model) or original(model),
    )
    for serializer_class in (MovieDetailSerializer, GenreSerializer):  # start unbuilt
        monkeypatch.delattr(serializer_class, "_built_fields", raising=False)

    for movie in movies:
        MovieDetailSerializer(movie).data  # noqa: B018

    # Once for the movie, once for its genres (the nested serializer); not per instance.
    assert reads.count(Movie) == 1
    assert len(reads) == 2


def test_built_once_serializer_instances_own_their_fields():
    first, second = MovieDetailSerializer(), MovieDetailSerializer()

    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first
    assert second.fields["title"].parent is second


def test_built_once_serializer_subclass_builds_its_own_fields():
    assert "score" in RecommendationSerializer().fields
    assert "score" not in MovieListSerializer().fields
