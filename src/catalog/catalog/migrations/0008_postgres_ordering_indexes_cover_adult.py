"""The list orderings' indexes (0002, and 0005's over the well-rated movies) carry ``adult``
too (``INCLUDE``): the public list filters ``NOT adult`` (``MovieQuerySet.public``), and
without the column in the index a page walks the ordering through the table's rows, one heap
fetch per skipped movie. With it, the deferred join's inner query is an index-only scan: a deep
page (offset 10,000 at 100,000 movies) went from 5.9 ms to 1.0 ms (EXPLAIN ANALYZE, bench/).
A column rather than a partial ``WHERE NOT adult`` index, so ``CATALOG['INCLUDE_ADULT']`` (no
filter) is served by the same indexes. PostgreSQL only, as 0002 and 0005."""

from importlib import import_module

from django.db import migrations

# The indexes as those migrations made them (their modules are history: they do not change).
FULL_INDEXES = import_module("catalog.migrations.0002_postgres_ordering_indexes")
RATED_INDEXES = import_module("catalog.migrations.0005_postgres_rated_ordering_indexes")


def _indexes() -> list[tuple[str, str, str]]:
    """(name, columns, WHERE clause or "") of every ordering index."""
    full = [(f"catalog_movie_{name}", order, "") for name, order in FULL_INDEXES.ORDERINGS.items()]
    rated = [(f"catalog_movie_{name}_rated", order, f" WHERE {RATED_INDEXES.RATED}")
             for name, order in RATED_INDEXES.ORDERINGS.items()]  # fmt: skip
    return full + rated


def _rebuild(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, order, where in _indexes():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON catalog_movie ({order}, id){include}{where}")


def cover(apps, schema_editor):
    _rebuild(schema_editor, " INCLUDE (adult)")


def uncover(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_postgres_accent_folded_search")]
    operations = [migrations.RunPython(cover, uncover)]
