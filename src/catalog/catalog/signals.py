"""The catalog's public signal. Sent after the transaction that changed movies has committed.

Receivers get ``movie_ids``: the ids (our primary keys) of the movies whose stored data changed,
so caches that show movies (the catalog's own, other apps') can drop what is stale.
"""

from django.dispatch import Signal

movies_changed = Signal()
