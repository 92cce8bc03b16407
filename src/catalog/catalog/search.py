"""Title search that ignores case and accents: "amelie" finds "Amélie".

Both sides of the match are folded by the database: on PostgreSQL ``UPPER(catalog_fold(..))``,
``catalog_fold`` being an immutable SQL function over the ``unaccent`` extension (or, where the
extension cannot be installed, ``translate()`` of the Latin accented letters), so that a
trigram index on the folded title serves ``LIKE '%word%'`` (migration 0007); on SQLite,
``catalog_fold``, the Python function ``fold`` registered on each connection.
"""

import unicodedata
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Func
from django.dispatch import receiver

FUNCTION = "catalog_fold"


def fold(text: str | None) -> str | None:
    """``text`` without its accents (combining marks after NFKD), in upper case."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


class Folded(Func):
    """An expression's text folded for search, as the database folds it."""

    function = FUNCTION
    arity = 1

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template=f"UPPER({FUNCTION}(%(expressions)s))")


@receiver(connection_created, dispatch_uid="catalog.search.register_fold")
def _register_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
