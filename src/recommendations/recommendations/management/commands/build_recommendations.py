import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.jobs import JobRunning, job_lock
from recommendations.services import neighbour_table_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the recommendations' neighbour table from everyone's favorites. Beat runs it "
        "(recommendations.tasks.build_if_stale), or run it from cron; serving keeps using the "
        "previous table until the new one is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help=(
                "Build only if no table is served yet or what a build reads (movies, favorites, "
                "the prior, settings) changed since the served one (`make run`)."
            ),
        )

    def handle(self, *args, if_stale: bool = False, **options):
        try:
            with (
                job_lock("recommendations.build"),  # beat's task's lock: one build at a time
                tqdm(unit="movie", file=sys.stderr, disable=None, leave=False) as bar,
            ):
                build = neighbour_table_rebuild(
                    if_stale=if_stale,
                    log=lambda message: bar.write(message, file=self.stderr, end=""),
                    on_progress=bar.update,
                )
        except JobRunning as exc:
            raise CommandError("A build is running already (the worker's?): try later.") from exc
        if build is None:
            self.stdout.write("The neighbour table is up to date: not rebuilt.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk}: {build.pairs} neighbour pairs for {build.movies} movies "
                f"from {build.favorites} favorites in {build.seconds:.1f}s."
            )
        )
