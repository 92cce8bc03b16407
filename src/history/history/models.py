from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NOTE_MAX_LENGTH = 1000
SOURCE_MAX_LENGTH = 20


class Play(models.Model):
    """One viewing of a movie by a user: the day it was seen (None: unknown), whether it was a
    rewatch, a private note, and where it came from (``source``: "" when entered in the app,
    else the import's format, e.g. "letterboxd")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    movie = models.ForeignKey("catalog.Movie", on_delete=models.CASCADE, related_name="+")
    watched_on = models.DateField(null=True, blank=True)
    rewatch = models.BooleanField(default=False)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True, default="")
    source = models.CharField(max_length=SOURCE_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("watched_on").desc(nulls_last=True), "-id"]
        constraints = [
            # An import adds each (movie, day, rewatch) once per source: importing a file again
            # adds nothing. Two partial indexes, as a NULL day is never equal to another in a
            # unique index (and SQLite has no NULLS NOT DISTINCT). Plays entered in the app
            # (source "") may repeat: someone can see a film twice in a day.
            models.UniqueConstraint(
                fields=["user", "source", "movie", "watched_on", "rewatch"],
                condition=~Q(source="") & Q(watched_on__isnull=False),
                name="play_unique_dated_per_source",
            ),
            models.UniqueConstraint(
                fields=["user", "source", "movie", "rewatch"],
                condition=~Q(source="") & Q(watched_on__isnull=True),
                name="play_unique_undated_per_source",
            ),
        ]
        indexes = [
            # The list, newest first (the user's rows, then a sort: NULLS LAST cannot be an
            # index's order on SQLite, and one user's plays are few); a movie's plays of a user
            # (account states, the export).
            models.Index(fields=["user", "movie", "watched_on"], name="play_user_movie_idx"),
            # Who played a movie (catalog changes).
            models.Index(fields=["movie", "user"], name="play_movie_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watched {self.movie_id} on {self.watched_on or '?'}"
