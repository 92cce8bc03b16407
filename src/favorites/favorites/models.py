from django.conf import settings
from django.db import models
from django.utils import timezone


class FavoriteMovie(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    movie = models.ForeignKey("catalog.Movie", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="favorite_unique_user_movie"),
        ]
        indexes = [
            # The list: one user's favorites, newest first, id as tie-break.
            models.Index(fields=["user", "-added_at", "-id"], name="favorite_user_recent_idx"),
            # Who favorited a movie (catalog changes, recommendations).
            models.Index(fields=["movie", "user"], name="favorite_movie_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.movie_id}"
