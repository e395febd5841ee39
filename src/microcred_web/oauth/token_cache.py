"""Bearer tokens validated once, then remembered per process for at most
``MICROCRED_OAUTH_TOKEN_CACHE_SECONDS`` (≤ 1 s; decision 0045).

Looking a token up costs a database read per API request. A validated token is kept in this
process, keyed by its SHA-256 (the same checksum the database stores, never the token), for a
short time: a revocation made through this process (RFC 7009, "Connected apps", a refresh that
replaces the token) drops the entry at once (post_delete/post_save of the token row); one made
by another process is seen once the entry is older than the TTL. Expiry is checked on every
use, so a cached token never outlives its ``expires``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

MAX_TTL = 1.0
MAX_ENTRIES = 20_000

#: the clock (a parameter so a test can move time instead of waiting)
clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True, slots=True)
class _Entry:
    token: Any  # an oauth2_provider AccessToken, with its application and user loaded
    stored_at: float


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def ttl() -> float:
    configured = float(getattr(settings, "MICROCRED_OAUTH_TOKEN_CACHE_SECONDS", MAX_TTL))
    return max(0.0, min(configured, MAX_TTL))


def checksum(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def token_cached(raw_token: str) -> Any | None:
    """The validated token for ``raw_token`` if this process checked it less than TTL ago."""
    key = checksum(raw_token)
    entry = _entries.get(key)
    if entry is None:
        return None
    if clock() - entry.stored_at > ttl() or entry.token.is_expired():
        _entries.pop(key, None)
        return None
    return entry.token


def token_remember(raw_token: str, token: Any) -> None:
    if ttl() <= 0:
        return
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()  # rare; the next requests read the database again
        _entries[checksum(raw_token)] = _Entry(token, clock())


def token_forget(token_checksum: str) -> None:
    """Drop one token (its row was deleted or changed in this process)."""
    _entries.pop(token_checksum, None)


def tokens_forget_all() -> None:
    _entries.clear()


def on_token_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver of the AccessToken model."""
    token_forget(str(getattr(instance, "token_checksum", "") or ""))
