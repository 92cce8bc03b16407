"""OpenAPI examples and responses of the imports endpoints."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import NOT_FOUND, detail_response

IMPORT_EXAMPLE = {
    "id": 4,
    "status": "done",
    "source": "letterboxd",
    "file_name": "letterboxd-viewer1-2026-11-30-10-12-utc.zip",
    "created_at": "2026-11-30T10:15:02Z",
    "finished_at": "2026-11-30T10:15:04Z",
    "counts": {
        "read": 211,
        "imported": 171,
        "already_present": 0,
        "skipped": {"in the diary": 43},
        "unmatched": 5,
    },
    "unmatched": [
        {
            "name": "Glass Orchard",
            "year": 2023,
            "id_given": None,
            "tmdb_id": None,
            "imdb_id": None,
            "reason": "not_found",
            "rows": 2,
        }
    ],
    "error": None,
}
QUEUED = {
    **IMPORT_EXAMPLE,
    "status": "queued",
    "finished_at": None,
    "counts": {"read": 0, "imported": 0, "already_present": 0, "skipped": {}, "unmatched": 0},
    "unmatched": [],
}
FAILED = {
    **QUEUED,
    "status": "failed",
    "finished_at": "2026-11-30T10:15:03Z",
    "error": "The ZIP inflates to more than 200 MB: refused.",
}

INVALID_UPLOAD = OpenApiResponse(
    description="No file, a file too large, empty or of no known format, a ZIP with unsafe "
    "names, too many entries or too large once inflated, a CSV with an unknown header or not "
    "UTF-8, a file that is not the source given, or too many imports pending; nothing is "
    "stored.",
    examples=[
        OpenApiExample("Too large", value={"file": ["The file is larger than 20 MB."]}),
        OpenApiExample(
            "Unknown CSV",
            value={
                "file": [
                    "Unknown CSV header (a,b,c). Not a Letterboxd, IMDb, Trakt or TMDB "
                    "export: upload the ZIP Letterboxd or Trakt gives, or an IMDb or "
                    "TMDB CSV file."
                ]
            },
        ),
        OpenApiExample(
            "Not that source", value={"source": ["This file is not a Trakt export (it is IMDb's)."]}
        ),
        OpenApiExample(
            "Too many pending",
            value={
                "non_field_errors": ["You have 3 imports waiting or running: wait for one to end."]
            },
        ),
    ],
)
IMPORT_NOT_FOUND = detail_response("No such import of yours.", **{"Not found": NOT_FOUND})
QUEUED_EXAMPLE = OpenApiExample("Queued", value=QUEUED, response_only=True, status_codes=["202"])
DONE_EXAMPLE = OpenApiExample("Done", value=IMPORT_EXAMPLE, response_only=True)
FAILED_EXAMPLE = OpenApiExample("Failed", value=FAILED, response_only=True)
