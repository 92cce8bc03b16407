import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommendations.services import (
    build_inputs,
    build_inputs_digest,
    neighbour_table_build,
    record_inputs_digest,
    served_build_digest,
)


class Command(BaseCommand):
    help = (
        "Rebuild the recommendations' neighbour table from everyone's favorites. Run it "
        "periodically (cron, or the compose 'recommender' service); serving keeps using the "
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
        # Read once: the digest recorded is that of what the build computed from.
        inputs = build_inputs()
        digest = build_inputs_digest(inputs)
        if if_stale and digest == served_build_digest():
            self.stdout.write("The neighbour table is up to date: not rebuilt.")
            return
        with tqdm(unit="movie", file=sys.stderr, disable=None, leave=False) as bar:
            build = neighbour_table_build(
                inputs,
                log=lambda message: bar.write(message, file=self.stderr, end=""),
                on_progress=bar.update,
            )
        record_inputs_digest(build, digest)
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk}: {build.pairs} neighbour pairs for {build.movies} movies "
                f"from {build.favorites} favorites in {build.seconds:.1f}s."
            )
        )
