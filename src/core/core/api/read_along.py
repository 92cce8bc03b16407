"""A view's cache read made with authentication's read of the user: one Redis round trip.

A cached per-user page costs two reads otherwise: authentication reads the user (it is cached,
``accounts.authentication``), then the handler reads the page. A view names its read in DRF's
``perform_authentication`` hook, before the user is known (``ask``: a function of the user's
id). An authentication class that reads the user from the cache reads the view's read with it
(``asked``, then ``keep`` what it found), and the handler takes that snapshot (``take``).
When nothing was kept (another authentication class, the cache down, a read the handler did
not ask for), the handler reads as it would have anyway.

The request carries both, as DRF's ``Request`` carries what authentication found (``user``,
``auth``): no state on the view's authenticator, no path from authentication into the view.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework.request import Request

from core.versioned_cache import Read, Snapshot

_ATTRIBUTE = "_read_along"


@dataclass
class _ReadAlong:
    for_user: Callable[[int], Read | None]
    done: tuple[Read, Snapshot] | None = None


def ask(request: Request, for_user: Callable[[int], Read | None]) -> None:
    """Have ``for_user(user_id)`` (None: nothing to read) read with the user, when the
    authentication class reads the user from the cache."""
    setattr(request, _ATTRIBUTE, _ReadAlong(for_user))


def asked(request: Request, user_id: int) -> Read | None:
    """The read the view asked for, for the authenticated user's id; None if none."""
    along: _ReadAlong | None = getattr(request, _ATTRIBUTE, None)
    return None if along is None else along.for_user(user_id)


def keep(request: Request, read: Read, snapshot: Snapshot) -> None:
    """What authentication found for ``read`` (from ``asked``), for the handler to take."""
    along: _ReadAlong = getattr(request, _ATTRIBUTE)
    along.done = (read, snapshot)


def take(request: Request, read: Read) -> Snapshot | None:
    """The snapshot authentication kept for ``read`` (once: a later read reads again)."""
    along: _ReadAlong | None = getattr(request, _ATTRIBUTE, None)
    if along is None or along.done is None or along.done[0] != read:
        return None
    snapshot = along.done[1]
    along.done = None
    return snapshot
