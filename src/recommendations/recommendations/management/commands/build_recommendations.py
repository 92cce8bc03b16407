from django.core.management.base import BaseCommand

from recommendations.services import neighbour_table_build


class Command(BaseCommand):
    help = (
        "Rebuild the recommendations' neighbour table from everyone's favorites. Run it "
        "periodically (cron, or the compose 'recommender' service); serving keeps using the "
        "previous table until the new one is complete."
    )

    def handle(self, *args, **options):
        build = neighbour_table_build(log=lambda message: self.stderr.write(message))
        self.stdout.write(
            self.style.SUCCESS(
                f"Build {build.pk}: {build.pairs} neighbour pairs for {build.movies} movies "
                f"from {build.favorites} favorites in {build.seconds:.1f}s."
            )
        )
