import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommendations.models import RecommenderBuild
from recommendations.services import neighbour_table_build


class Command(BaseCommand):
    help = (
        "Rebuild the recommendations' neighbour table from everyone's favorites. Run it "
        "periodically (cron, or the compose 'recommender' service); serving keeps using the "
        "previous table until the new one is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if a build has completed (the first build of `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and RecommenderBuild.objects.filter(completed_at__isnull=False).exists():
            self.stdout.write("A neighbour table exists: not rebuilt.")
            return
        with tqdm(unit="movie", file=sys.stderr, disable=None, leave=False) as bar:
            build = neighbour_table_build(
                log=lambda message: bar.write(message, file=self.stderr, end=""),
                on_progress=bar.update,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk}: {build.pairs} neighbour pairs for {build.movies} movies "
                f"from {build.favorites} favorites in {build.seconds:.1f}s."
            )
        )
