"""Access tokens this process has verified, kept until they expire, so that a client's next
requests with the same token skip the signature check (PyJWT: about a tenth of a cached
per-user read).

An entry is found only by the token's exact bytes, so only a token that passed every check of
simplejwt's is ever taken from here; it leaves the cache when the token expires (its ``exp``
plus simplejwt's ``LEEWAY``, the instant simplejwt would refuse it). What can revoke a token
before then is not a property of the token but of its user (deactivation, token version,
password digest), and authentication checks the user on every request as before.
``ACCOUNTS["VERIFIED_TOKEN_CACHE_SIZE"]`` tokens at most per process (least recently used go
first); 0 verifies every time.
"""

import copy
import threading
import time
from collections.abc import Callable

from cachetools import TLRUCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt.tokens import Token

from accounts.conf import accounts_settings

_lock = threading.Lock()  # cachetools' caches are not thread-safe (gthread workers)
_tokens: TLRUCache[bytes, Token] | None = None


def _expiry(raw_token: bytes, token: Token, now: float) -> float:
    leeway = token.get_token_backend().get_leeway().total_seconds()
    return float(token["exp"]) + leeway


def _cache() -> TLRUCache[bytes, Token] | None:
    global _tokens
    size = accounts_settings.VERIFIED_TOKEN_CACHE_SIZE
    if not size:
        return None
    with _lock:
        if _tokens is None or _tokens.maxsize != size:
            _tokens = TLRUCache(size, ttu=_expiry, timer=time.time)
        return _tokens


def validated(raw_token: bytes, verify: Callable[[bytes], Token]) -> Token:
    """``verify(raw_token)`` (which raises for a token it refuses), or the token it returned
    for these bytes before, while unexpired. Each caller gets its own copy of the claims."""
    cache = _cache()
    if cache is None:
        return verify(raw_token)
    with _lock:
        token = cache.get(raw_token)
    if token is None:
        token = verify(raw_token)
        with _lock:
            cache[raw_token] = token
    mine = copy.copy(token)
    mine.payload = dict(token.payload)
    return mine


@receiver(setting_changed, dispatch_uid="accounts.verified_tokens.clear")
def clear(**kwargs: object) -> None:
    """Forget every verified token: when the signing settings change (the tests), a token
    verified under the old ones must be verified again."""
    with _lock:
        if _tokens is not None:
            _tokens.clear()
