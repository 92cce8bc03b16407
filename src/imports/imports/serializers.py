from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from imports.formats import SOURCES
from imports.models import Import


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="The export: Letterboxd's or Trakt's ZIP, an IMDb ratings, list or watchlist "
        "CSV, or a TMDB ratings or watchlist CSV (at most 20 MB).",
    )
    # (Field.source is DRF's attribute; here a form field named "source", as the API has it.)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=SOURCES,
        required=False,
        help_text="The service the file comes from, if you want to say it; detected from the "
        "content otherwise. A file that is not this service's export is refused.",
    )


class SkippedField(serializers.DictField):
    child = serializers.IntegerField()


class ImportCountsSerializer(serializers.Serializer[Any]):
    read = serializers.IntegerField(help_text="Rows read from the file.")
    imported = serializers.IntegerField(help_text="Rows that added (or updated) something.")
    already_present = serializers.IntegerField(
        help_text="Rows that changed nothing: you had it already (or a later rating)."
    )
    skipped = SkippedField(
        help_text="Rows not imported, by reason (tv: TV shows and episodes; in the diary: "
        "a watched film or a review the diary has; invalid row; ...)."
    )
    unmatched = serializers.IntegerField(help_text="Rows whose film matched no movie.")


class UnmatchedSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="The title the file gives.")
    year = serializers.IntegerField(allow_null=True)
    id_given = serializers.CharField(
        allow_null=True, help_text="The film's id in the file (IMDb's tt..., else TMDB's)."
    )
    tmdb_id = serializers.IntegerField(allow_null=True)
    imdb_id = serializers.CharField(allow_null=True)
    reason = serializers.ChoiceField(
        choices=["not_found", "ambiguous"],
        help_text="not_found: no movie; ambiguous: several movies fit equally well.",
    )
    rows = serializers.IntegerField(help_text="Rows of the file about this film.")


class ImportSerializer(serializers.ModelSerializer[Import]):
    counts = ImportCountsSerializer(read_only=True)
    unmatched = UnmatchedSerializer(many=True, read_only=True)
    error = serializers.SerializerMethodField(help_text="Why the import failed; else null.")
    created_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)
    finished_at = serializers.DateTimeField(
        format="%Y-%m-%dT%H:%M:%SZ", read_only=True, allow_null=True
    )

    class Meta:
        model = Import
        fields = [
            "id", "status", "source", "file_name", "created_at", "finished_at", "counts",
            "unmatched", "error",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_error(self, job: Import) -> str | None:
        return job.error or None
