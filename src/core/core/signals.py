"""Signals of the shared mechanisms."""

from django.dispatch import Signal

# The cache answers again after an outage during which writes to it were lost (bumps among
# them): what it holds may be stale. Sent by ``core.redis``; ``core.versioned_cache`` answers by
# invalidating every versioned entry at once.
cache_recovered = Signal()

# A write to the cache was lost (its server hung or refused it). Sent with ``client``: a redis-py
# client of that server whose connection waits for an answer as long as it takes, so that the
# receivers' commands, sent at once, are the first the server runs when it reads again (see
# ``core.redis``). A receiver raises redis-py's ConnectionError to be sent again later.
cache_writes_lost = Signal()
