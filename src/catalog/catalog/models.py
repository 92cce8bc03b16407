from django.db import models
from django.db.models import Q

from catalog.conf import catalog_settings


class MovieQuerySet(models.QuerySet["Movie"]):
    def public(self) -> "MovieQuerySet":
        """The movies the public API shows: adult titles (TMDB's flag) only with
        ``CATALOG['INCLUDE_ADULT']``."""
        return self if catalog_settings.INCLUDE_ADULT else self.filter(adult=False)


class Genre(models.Model):
    """A TMDB movie genre; the primary key is TMDB's genre id."""

    id = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Movie(models.Model):
    tmdb_id = models.PositiveIntegerField(unique=True)
    # "tt" and 7 or 8 digits (TMDB's details, the demo's MovieLens links); "" when unknown.
    imdb_id = models.CharField(max_length=16, blank=True, default="")
    title = models.CharField(max_length=500)
    overview = models.TextField(blank=True, default="")
    release_date = models.DateField(null=True, blank=True)
    # Filterable even when only the year is known (the MovieLens demo catalog).
    release_year = models.PositiveSmallIntegerField(null=True, blank=True)
    poster_path = models.CharField(max_length=255, blank=True, default="")
    backdrop_path = models.CharField(max_length=255, blank=True, default="")
    runtime = models.PositiveIntegerField(null=True, blank=True)
    vote_average = models.FloatField(null=True, blank=True)
    vote_count = models.PositiveIntegerField(null=True, blank=True)
    popularity = models.FloatField(null=True, blank=True)
    adult = models.BooleanField(default=False, help_text="TMDB's adult flag.")
    genres = models.ManyToManyField(Genre, related_name="movies", blank=True)
    details_synced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the full TMDB details were last stored."
    )
    tmdb_missing_at = models.DateTimeField(
        null=True, blank=True, help_text="When TMDB last answered that it does not know this id."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MovieQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Indexes for the list orderings (each with its id tie-break) are PostgreSQL-only, in
        # migration 0002: they need NULLS LAST, which SQLite indexes cannot express.
        indexes = [
            models.Index("release_year", name="movie_year_idx"),
            # Imports match IMDb ids through it.
            models.Index("imdb_id", name="movie_imdb_idx", condition=~Q(imdb_id="")),
            models.Index(
                "id", name="movie_missing_details_idx", condition=Q(details_synced_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_average__isnull=True)
                | Q(vote_average__gte=0, vote_average__lte=10),
                name="movie_vote_average_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.release_year or '?'})"


class SyncState(models.Model):
    """Bookkeeping for incremental syncs: when a named sync last completed; and, while the first
    import of an empty catalog from TMDB is unfinished, when it began (``FIRST_IMPORT_UNFINISHED``:
    its first pages stored, the catalog is no longer empty, yet its next run must finish it)."""

    FIRST_IMPORT_UNFINISHED = "tmdb-first-import-unfinished"

    name = models.CharField(max_length=50, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M}"
