from django.conf import settings
from django.db import models
from django.utils import timezone


class WatchlistItem(models.Model):
    """A movie the user means to watch."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    movie = models.ForeignKey("catalog.Movie", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="watchlist_unique_user_movie"),
        ]
        indexes = [
            # The list, newest first; and who keeps a movie (catalog changes).
            models.Index(fields=["user", "-added_at", "-id"], name="watchlist_user_recent_idx"),
            models.Index(fields=["movie", "user"], name="watchlist_movie_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.movie_id}"
