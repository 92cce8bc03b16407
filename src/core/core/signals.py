"""Signals of the shared mechanisms."""

from django.dispatch import Signal

# The cache answers again after an outage during which writes to it were lost (bumps among
# them): what it holds may be stale. Sent by ``core.redis``; ``core.versioned_cache`` answers by
# invalidating every versioned entry at once.
cache_recovered = Signal()
