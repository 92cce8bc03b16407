import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from catalog import services
from catalog.models import Movie


class Command(BaseCommand):
    help = (
        "Load the bundled demo catalog (MovieLens movies keyed on TMDB ids, with the TMDB "
        "metadata the bundled file has: overview, release date, poster, runtime, votes, "
        "popularity, genres). Existing movies are not overwritten: rows without TMDB details get "
        "their missing fields filled; a later TMDB sync upgrades the same rows in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the catalog has any movie."
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Movie.objects.exists():
            self.stdout.write("Catalog not empty: demo catalog not loaded.")
            return
        with tqdm(unit="movie", file=sys.stderr, disable=None, leave=False) as bar:
            summary = services.demo_catalog_load(on_progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Demo catalog: {summary}."))
