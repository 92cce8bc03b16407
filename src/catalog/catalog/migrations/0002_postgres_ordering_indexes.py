"""Indexes matching the movie list's ORDER BY clauses exactly (NULLS LAST, id tie-break), so a
page is an index scan that stops after page_size rows. PostgreSQL only: SQLite cannot express
NULLS LAST in an index, and the small embedded catalog does not need them."""

from django.db import migrations

ORDERINGS = {
    "popularity_desc": "popularity DESC NULLS LAST",
    "popularity_asc": "popularity ASC NULLS LAST",
    "vote_desc": "vote_average DESC NULLS LAST",
    "vote_asc": "vote_average ASC NULLS LAST",
    "release_desc": "release_date DESC NULLS LAST",
    "release_asc": "release_date ASC NULLS LAST",
    "title_asc": "title ASC",
    "title_desc": "title DESC",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, order in ORDERINGS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_movie_{name} ON catalog_movie ({order}, id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ORDERINGS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_movie_{name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
