from django.conf import settings
from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    LETTERBOXD = "letterboxd", "Letterboxd"
    IMDB = "imdb", "IMDb"
    TRAKT = "trakt", "Trakt"
    TMDB = "tmdb", "TMDB"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def empty_counts() -> dict[str, object]:
    return {"read": 0, "imported": 0, "already_present": 0, "skipped": {}, "unmatched": 0}


class Import(models.Model):
    """One upload of a user's export and what became of it: its ``status``, the ``source``
    detected (or given), ``counts`` of its rows, the films that matched nothing (``unmatched``:
    name, year, the id given) and, when it failed, why (``error``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=255, blank=True, default="")
    counts = models.JSONField(default=empty_counts)
    unmatched = models.JSONField(default=list)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="import_user_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.user_id} ({self.source}, {self.status})"


class Upload(models.Model):
    """The uploaded file's bytes, in the database so that a worker on another machine reads
    them; deleted when the import ends (done or failed)."""

    job = models.OneToOneField(
        Import, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    data = models.BinaryField()
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"upload of import {self.pk} ({self.size} bytes)"
