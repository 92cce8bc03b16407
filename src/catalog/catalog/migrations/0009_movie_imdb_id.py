"""Movies get their IMDb id (imports match IMDb ids through it). Movies stored before it get
the bundled demo catalog's where it has their TMDB id (MovieLens' links); a TMDB details sync
sets it from then on."""

import csv
import gzip
from pathlib import Path

from django.db import migrations, models
from django.db.models import Q

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


def _demo_imdb_ids() -> dict[int, str]:
    packed = DEMO_DIR / "movies.csv.gz"
    opened = (
        gzip.open(packed, "rt", newline="", encoding="utf-8")
        if packed.exists()
        else (DEMO_DIR / "movies.csv").open(newline="", encoding="utf-8")
    )
    with opened as f:
        return {
            int(row["tmdb_id"]): row["imdb_id"]
            for row in csv.DictReader(f)
            if row.get("imdb_id")
        }


def fill_from_demo(apps, schema_editor):
    Movie = apps.get_model("catalog", "Movie")
    missing = Movie.objects.filter(imdb_id="")
    if not missing.exists():
        return
    known = _demo_imdb_ids()
    rows = []
    for movie in missing.only("id", "tmdb_id").iterator(chunk_size=5000):
        if movie.tmdb_id in known:
            movie.imdb_id = known[movie.tmdb_id]
            rows.append(movie)
    Movie.objects.bulk_update(rows, ["imdb_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_postgres_ordering_indexes_cover_adult")]

    operations = [
        migrations.AddField(
            model_name="movie",
            name="imdb_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddIndex(
            model_name="movie",
            index=models.Index(
                models.F("imdb_id"), condition=~Q(imdb_id=""), name="movie_imdb_idx"
            ),
        ),
        migrations.RunPython(fill_from_demo, migrations.RunPython.noop),
    ]
