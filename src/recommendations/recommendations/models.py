from django.conf import settings
from django.db import models
from django.utils import timezone


class RecommenderBuild(models.Model):
    """One build of the neighbour table; the newest completed one is served."""

    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    movies = models.PositiveIntegerField(default=0)
    favorites = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0, help_text="Neighbour pairs written.")
    seconds = models.FloatField(default=0)
    params = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"build {self.pk} ({self.pairs} pairs)"


class NeighbourList(models.Model):
    """``movie``'s top-k neighbours in ``build``, best first, packed into two arrays
    (``recommendations.packing``): one row per movie, so serving a user with 50 favorites reads
    50 rows, not 50 k, and a build writes one row per movie.

    No database foreign-key constraints: a build writes a row for every movie at once, and a
    movie deleted since is simply skipped when serving.
    """

    # DO_NOTHING: the build service deletes a build's rows itself, in one statement.
    build = models.ForeignKey(
        RecommenderBuild,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    movie = models.ForeignKey(
        "catalog.Movie",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    neighbours = models.BinaryField(help_text="Neighbour movie ids, little-endian int64.")
    scores = models.BinaryField(help_text="Their scores, little-endian float32.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["build", "movie"], name="neighbour_list_build_movie"),
        ]

    def __str__(self) -> str:
        return f"neighbours of {self.movie_id} in build {self.build_id}"


class HiddenMovie(models.Model):
    """A movie the user does not want recommended ("not interested"): never one of their
    recommendations or similar-movie picks, until they restore it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    movie = models.ForeignKey("catalog.Movie", on_delete=models.CASCADE, related_name="+")
    hidden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-hidden_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="hidden_unique_user_movie"),
        ]
        indexes = [
            models.Index(fields=["user", "-hidden_at", "-id"], name="hidden_user_recent_idx"),
            models.Index(fields=["movie", "user"], name="hidden_movie_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hides {self.movie_id}"
