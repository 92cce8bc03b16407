"""Accent-insensitive title search on PostgreSQL (``catalog.search``); nothing on SQLite, whose
connections get ``catalog_fold`` from Python.

- ``catalog_fold(text)``: ``unaccent`` through an IMMUTABLE SQL function (``unaccent`` itself is
  only STABLE: an index cannot use it), or, where the extension is unavailable or the database
  user may not create it, ``translate()`` of the Latin accented letters;
- a trigram GIN index on ``UPPER(catalog_fold(title))`` (pg_trgm, as 0004), which serves the
  search's ``LIKE '%WORD%'`` in place of 0004's index on ``UPPER(title)``, dropped here.
"""

from django.db import migrations

OLD_INDEX = "catalog_movie_title_trgm"
INDEX = "catalog_movie_title_folded_trgm"
ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
PLAIN = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"


def _try(cursor, sql: str) -> bool:
    cursor.execute("SAVEPOINT catalog_fold")
    try:
        cursor.execute(sql)
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT catalog_fold")
        return False
    cursor.execute("RELEASE SAVEPOINT catalog_fold")
    return True


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        unaccent = _try(cursor, "CREATE EXTENSION IF NOT EXISTS unaccent")
        if unaccent:
            cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension "
                           "WHERE extname = 'unaccent'")  # fmt: skip
            schema = cursor.fetchone()[0]
            body = f"SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1)"
        else:
            body = f"SELECT translate($1, '{ACCENTED}', '{PLAIN}')"
        cursor.execute(
            "CREATE OR REPLACE FUNCTION catalog_fold(text) RETURNS text "
            f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$ {body} $fold$"
        )
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return  # 0004 could not install it: search stays a scan
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_movie "
        "USING gin (UPPER(catalog_fold(title)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON catalog_movie "
                "USING gin (UPPER(title) gin_trgm_ops)"
            )
    schema_editor.execute("DROP FUNCTION IF EXISTS catalog_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_movie_adult")]
    operations = [migrations.RunPython(create, drop)]
