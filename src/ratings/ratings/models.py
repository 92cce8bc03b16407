from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

LOWEST, HIGHEST, STEP = Decimal("0.5"), Decimal("10"), Decimal("0.5")


class Rating(models.Model):
    """A user's rating of a movie, 0.5 to 10 in steps of 0.5 (as TMDB); one per movie."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    movie = models.ForeignKey("catalog.Movie", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=3, decimal_places=1)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="rating_unique_user_movie"),
            models.CheckConstraint(
                condition=models.Q(value__gte=LOWEST, value__lte=HIGHEST), name="rating_value_range"
            ),
        ]
        indexes = [
            # The list: one user's ratings, latest first.
            models.Index(fields=["user", "-rated_at", "-id"], name="rating_user_recent_idx"),
            # A movie's average and count; who rated a movie (catalog changes).
            models.Index(fields=["movie", "value"], name="rating_movie_value_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} rates {self.movie_id}: {self.value}"
