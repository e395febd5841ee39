"""The key-encryption keyring: the current KEK seals, the current and previous KEKs unseal.

``MICROCRED_KEY_ENCRYPTION_KEY`` is the current key; ``MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS``
(comma-separated) lists keys that are still accepted for reading while ``kek_rotate`` re-seals
every stored secret under the current one (docs/operations.md, "Rotating the KEK").
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from microcred_web.common.errors import ApplicationError

MIN_KEK_LENGTH = 16


def current_kek() -> str:
    kek = str(getattr(settings, "MICROCRED_KEY_ENCRYPTION_KEY", "") or "")
    if len(kek) < MIN_KEK_LENGTH:
        raise ApplicationError(
            "kek_missing",
            "MICROCRED_KEY_ENCRYPTION_KEY is not configured (at least 16 characters).",
            status=500,
        )
    return kek


def kek_ring() -> list[str]:
    """The current KEK first, then the previous ones still accepted for unsealing."""
    previous = getattr(settings, "MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS", None) or []
    current = current_kek()
    ring = [current]
    for kek in previous:
        kek = str(kek)
        if len(kek) >= MIN_KEK_LENGTH and kek not in ring:
            ring.append(kek)
    return ring


def kek_fingerprint(kek: str) -> str:
    """A short public name of a KEK (cannot be turned back into the key)."""
    return hashlib.sha256(b"microcred-kek-fingerprint:" + kek.encode("utf-8")).hexdigest()[:16]
