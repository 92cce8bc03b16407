"""PostgreSQL-only partial indexes: the list orderings of 0002 over the well-rated movies only
(``vote_average >= 7``, 7% of the 1M-movie bench catalog).

With a selective filter (``genre=878&min_vote_average=8``: 0.09% of the bench catalog) a page
walks the full ordering index row by row until 20 matches turn up: 19-137 ms at 1M movies,
depending on the ordering. The planner takes these instead whenever ``min_vote_average`` is 7
or more, so the walk covers the rated slice only: 1-3 ms (EXPLAIN ANALYZE, bench/). Below 7 the
filter is not selective enough to need them. The vote orderings need none: their own index
starts at the minimum vote. Cost: 2.2-2.9 MB per index per 1M movies (the full ones take
30-40 MB), and six more index entries to write per rated movie inserted or updated (a sync
rewrites popularity, an indexed column, so those updates write every index already).
"""

from django.db import migrations

RATED = "vote_average >= 7"
ORDERINGS = {
    "popularity_desc": "popularity DESC NULLS LAST",
    "popularity_asc": "popularity ASC NULLS LAST",
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
            f"CREATE INDEX IF NOT EXISTS catalog_movie_{name}_rated "
            f"ON catalog_movie ({order}, id) WHERE {RATED}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ORDERINGS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_movie_{name}_rated")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_postgres_filter_indexes")]
    operations = [migrations.RunPython(create, drop)]
