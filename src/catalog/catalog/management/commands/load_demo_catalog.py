from django.core.management.base import BaseCommand

from catalog import services
from catalog.models import Movie


class Command(BaseCommand):
    help = (
        "Load the bundled demo catalog (MovieLens titles, years and genres keyed on TMDB ids). "
        "Existing movies are kept; a later TMDB sync upgrades the same rows in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the catalog has any movie."
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Movie.objects.exists():
            self.stdout.write("Catalog not empty: demo catalog not loaded.")
            return
        created = services.demo_catalog_load()
        self.stdout.write(self.style.SUCCESS(f"Demo catalog: {created} movies created."))
