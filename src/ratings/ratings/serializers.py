from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.serializers import MovieListSerializer
from core.api.serializers import BuiltOnceModelSerializer
from ratings import selectors
from ratings.models import Rating
from ratings.services import INVALID_VALUE, rating_value


@extend_schema_field({"type": "number", "minimum": 0.5, "maximum": 10, "multipleOf": 0.5})
class RatingValueField(serializers.Field):
    """A JSON number from 0.5 to 10 in steps of 0.5: no bool, no string, nothing non-finite."""

    default_error_messages = {"invalid": INVALID_VALUE}

    def to_internal_value(self, data: Any) -> Any:
        try:
            return rating_value(data)
        except DjangoValidationError:
            self.fail("invalid")

    def to_representation(self, value: Any) -> float:
        return float(value)


class RatingSetSerializer(serializers.Serializer):
    value = RatingValueField(help_text="0.5 to 10, in steps of 0.5 (as TMDB).")

    class Meta:
        ref_name = "RatingSet"


class RatingSerializer(BuiltOnceModelSerializer):
    movie = MovieListSerializer(read_only=True)
    value = serializers.FloatField(read_only=True, help_text="0.5 to 10, in steps of 0.5.")
    rated_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "movie", "value", "rated_at"]
        read_only_fields = fields


class MovieRatingsSerializer(serializers.Serializer):
    """The site's own ratings of a movie, on its detail (``CATALOG['DETAIL_EXTRAS']``)."""

    rating_average = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Average of this site's ratings; null: none."
    )
    rating_count = serializers.IntegerField(read_only=True, help_text="Ratings on this site.")
    example = {"rating_average": 8.25, "rating_count": 12}  # in the detail's schema example

    def to_representation(self, movie: Any) -> dict[str, Any]:
        return super().to_representation(selectors.rating_summary(movie_id=movie.pk))
