from rest_framework import serializers

from catalog.serializers import MovieListSerializer


class RecommendationSerializer(MovieListSerializer):
    """A recommended movie: the catalog's list item plus why and how strongly."""

    score = serializers.FloatField(read_only=True, help_text="Higher is a better match.")
    reason = serializers.CharField(
        read_only=True, help_text='e.g. "Because you liked Heat" or "Popular on TMDB".'
    )

    class Meta(MovieListSerializer.Meta):
        fields = [*MovieListSerializer.Meta.fields, "score", "reason"]
        read_only_fields = fields
