import re
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.serializers import MovieListSerializer
from core.api.integers import StrictIntegerField
from core.api.serializers import BuiltOnceModelSerializer
from history.models import NOTE_MAX_LENGTH, Play
from history.services import NOT_A_DAY, NOT_A_FLAG, NOT_A_NOTE

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DayField(serializers.DateField):
    """A day as ``YYYY-MM-DD`` and nothing else (not "20240501", "2024-W18-3" or a time,
    which ``date.fromisoformat`` and Django's parser take)."""

    default_error_messages = {"invalid": NOT_A_DAY}

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
            self.fail("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2024-02-30
            self.fail("invalid")


class FlagField(serializers.BooleanField):
    """A JSON true or false (not "yes", 1 or "true", which DRF's ``BooleanField`` takes)."""

    default_error_messages = {"invalid": NOT_A_FLAG}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class TextField(serializers.CharField):
    """A JSON string (not a number, which DRF's ``CharField`` turns into one)."""

    default_error_messages = {"invalid": NOT_A_NOTE}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Left out, a field is left to play_add's default (no DRF default: the schema would require it).
class PlayAddSerializer(serializers.Serializer):
    movie_id = StrictIntegerField(help_text="The id of a movie in the catalog.")
    watched_on = DayField(
        required=False,
        allow_null=True,
        help_text="The day you saw it (YYYY-MM-DD), not in the future (today anywhere on Earth "
        "counts) nor before 1900-01-01; null or left out: you do not know.",
    )
    rewatch = FlagField(required=False, help_text="You had seen it before (default false).")
    note = TextField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=f"A private note, at most {NOTE_MAX_LENGTH} characters (surrounding spaces "
        "are dropped). Only you see it.",
    )

    class Meta:
        ref_name = "PlayAdd"


@extend_schema_field({"type": "string", "nullable": True, "example": "letterboxd"})
class SourceField(serializers.Field[str, str, str | None, Any]):
    """A play's source, "" (entered in the app) as null."""

    def to_representation(self, value: Any) -> str | None:
        return value or None


class PlaySerializer(BuiltOnceModelSerializer):
    movie = MovieListSerializer(read_only=True)
    watched_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day you saw it; null: not known."
    )
    rewatch = serializers.BooleanField(read_only=True, help_text="You had seen it before.")
    note = serializers.CharField(read_only=True, help_text='Your private note ("": none).')
    # (A field named "source" shadows Field.source for mypy; DRF's metaclass takes it away.)
    source = SourceField(  # type: ignore[assignment]
        read_only=True,
        help_text="Where the play came from: an import's format (letterboxd, imdb, trakt, "
        "tmdb); null: entered here.",
    )
    created_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)

    class Meta:
        model = Play
        fields = ["id", "movie", "watched_on", "rewatch", "note", "source", "created_at"]
        read_only_fields = fields
