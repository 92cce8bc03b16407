from rest_framework import serializers

from catalog.serializers import MovieListSerializer
from core.api.serializers import BuiltOnceModelSerializer
from recommendations.models import HiddenMovie


class RecommendationSerializer(MovieListSerializer):
    """A recommended movie: the catalog's list item plus why and how strongly."""

    score = serializers.FloatField(read_only=True, help_text="Higher is a better match.")
    reason = serializers.CharField(
        read_only=True, help_text='e.g. "Because you liked Heat" or "Popular on TMDB".'
    )

    class Meta(MovieListSerializer.Meta):
        fields = [*MovieListSerializer.Meta.fields, "score", "reason"]
        read_only_fields = fields


class HiddenMovieSerializer(BuiltOnceModelSerializer):
    movie = MovieListSerializer(read_only=True)
    hidden_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)

    class Meta:
        model = HiddenMovie
        fields = ["movie", "hidden_at"]
        read_only_fields = fields
