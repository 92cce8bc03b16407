from django.core.management.base import BaseCommand, CommandError

from catalog import services
from core.jobs import JobRunning, job_lock
from tmdb.exceptions import TMDBError


class Command(BaseCommand):
    help = (
        "Fill an empty catalog: TMDB's lists with a TMDB key, else the demo catalog if "
        "LOAD_DEMO_CATALOG is set; nothing if it has movies, unless a first import from TMDB "
        "failed midway, which it finishes (beat's catalog_fill_if_empty)."
    )

    def handle(self, *args, **options):
        try:
            with job_lock("catalog.fill"):  # beat's task's lock
                outcome = services.catalog_fill_if_empty()
        except JobRunning as exc:
            raise CommandError("The catalog is being filled already: try later.") from exc
        except TMDBError as exc:
            raise CommandError(f"TMDB failed: {exc}. Finished pages are stored; rerun.") from exc
        self.stdout.write(outcome or "Nothing imported (the catalog has movies, or no source).")
