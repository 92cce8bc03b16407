"""A per-user cached page in one cache round trip: authentication reads the user it trusts
(``accounts``) and the page the view is about to serve, together.

The view names what it will read (``read_ahead(request, user_id)``, see
``core.api.pagination.CachedPagesMixin``); authentication, once the token is verified, calls
``read_with_user`` instead of ``versioned_cache.read`` and the view then ``take``s the page's
snapshot from the request. A view without ``read_ahead``, or a request that is not a GET,
reads as before: two round trips.
"""

from dataclasses import dataclass
from typing import Any

from core import versioned_cache
from core.versioned_cache import Read, Snapshot

_ATTRIBUTE = "_core_read_ahead"


@dataclass(frozen=True)
class Plan:
    """What the view will read for a user: ``read``, its page under ``key`` (or None)."""

    key: str | None
    read: Read


@dataclass(frozen=True)
class _Done:
    user_id: str
    key: str | None
    snapshot: Snapshot


def read_with_user(request: Any, user_id: object, user_read: Read) -> Snapshot:
    """``user_read`` (authentication's), with what the request's view plans to read for
    ``user_id`` in the same round trip; the view's part is kept on ``request`` for ``take``."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    planner = getattr(view, "read_ahead", None)
    plan: Plan | None = None
    if planner is not None and request.method in ("GET", "HEAD"):
        plan = planner(request, user_id)
    if plan is None:
        return versioned_cache.read_many([user_read])[0]
    mine, theirs = versioned_cache.read_many([user_read, plan.read])
    setattr(request, _ATTRIBUTE, _Done(str(user_id), plan.key, theirs))
    return mine


def peek(request: Any, user_id: object, key: str | None) -> Snapshot | None:
    """The snapshot read ahead for ``user_id``'s ``key`` on this request, else None; still
    there for ``take``."""
    done: _Done | None = getattr(request, _ATTRIBUTE, None)
    if done is None or done.user_id != str(user_id) or done.key != key:
        return None
    return done.snapshot


def take(request: Any, user_id: object, key: str | None) -> Snapshot | None:
    """The snapshot read ahead for ``user_id``'s ``key`` on this request (once), else None."""
    snapshot = peek(request, user_id, key)
    if snapshot is not None:
        setattr(request, _ATTRIBUTE, None)
    return snapshot
