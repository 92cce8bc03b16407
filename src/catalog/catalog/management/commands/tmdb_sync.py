import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog import services
from core.jobs import JobRunning, job_lock
from tmdb.client import TMDBClient
from tmdb.conf import is_configured
from tmdb.exceptions import TMDBError


class Command(BaseCommand):
    help = "Sync the catalog from TMDB. Every page is committed on its own; rerun to resume."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
        sub.add_parser("genres", help="TMDB's movie genres.")
        lists = sub.add_parser("lists", help="The first pages of TMDB's movie lists.")
        lists.add_argument(
            "--list",
            dest="sources",
            action="append",
            choices=sorted(services.LIST_SOURCES),
            help="Repeatable; default: popular.",
        )
        lists.add_argument("--pages", type=int, default=5, help="Pages per list (20 movies each).")
        ids = sub.add_parser("ids", help="Full details of the given TMDB ids.")
        ids.add_argument("tmdb_ids", nargs="+", type=int)
        details = sub.add_parser("details", help="Full details of stored movies that lack them.")
        details.add_argument("--limit", type=int, default=None)
        sub.add_parser("changes", help="Refresh stored movies changed on TMDB since the last run.")

    def handle(self, *args, what: str, **options):
        if not is_configured():
            raise CommandError("Set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN to sync from TMDB.")
        started = datetime.datetime.now()
        try:
            # The lock of beat's task for the same sync (catalog.tasks): one run at a time.
            with job_lock(f"catalog.tmdb_{what}"), TMDBClient.from_settings() as client:
                summary = getattr(self, f"_sync_{what}")(client, **options)
        except JobRunning as exc:
            raise CommandError(f"A TMDB {what} sync is running already: try later.") from exc
        except TMDBError as exc:
            raise CommandError(f"TMDB failed: {exc}. Finished pages are stored; rerun.") from exc
        seconds = (datetime.datetime.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"{what}: {summary} in {seconds:.1f}s"))

    def _bar(self, total: int | None, unit: str) -> tqdm:
        return tqdm(total=total, unit=unit, file=sys.stderr, disable=None, leave=False)

    def _sync_genres(self, client: TMDBClient, **options) -> str:
        return f"{services.genres_sync(client=client)} genres"

    def _sync_lists(self, client: TMDBClient, *, sources, pages: int, **options):
        if pages < 1:
            raise CommandError("--pages must be at least 1.")
        with self._bar(None, "page") as bar:

            def on_page(source: str, page: object) -> None:
                bar.set_description(source)
                bar.update()

            return services.lists_sync(
                client=client, sources=sources or ["popular"], pages=pages, on_page=on_page
            )

    def _sync_ids(self, client: TMDBClient, *, tmdb_ids: list[int], **options):
        with self._bar(len(tmdb_ids), "movie") as bar:
            return services.movies_sync_by_tmdb_ids(
                client=client, tmdb_ids=tmdb_ids, on_movie=lambda _: bar.update()
            )

    def _sync_details(self, client: TMDBClient, *, limit: int | None, **options):
        tmdb_ids = services.movie_tmdb_ids_missing_details(limit=limit)
        return self._sync_ids(client, tmdb_ids=tmdb_ids)

    def _sync_changes(self, client: TMDBClient, **options):
        with self._bar(None, "movie") as bar:
            return services.movie_changes_sync(client=client, on_movie=lambda _: bar.update())
