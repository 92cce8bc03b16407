"""The catalog's public signals, sent after the transaction that changed movies has committed.

Receivers get ``movie_ids``: the ids (our primary keys) of the movies concerned, so caches that
show movies (the catalog's own, other apps') can drop what is stale.
"""

from django.dispatch import Signal

# Movies whose stored data changed (a sync, the demo catalog, an admin save).
movies_changed = Signal()
# Movies deleted (the admin, a QuerySet.delete).
movies_removed = Signal()
# Something another app shows on these movies' details changed (ratings: the site's average,
# through CATALOG['DETAIL_EXTRAS']): their cached details alone are invalidated.
movie_details_changed = Signal()
