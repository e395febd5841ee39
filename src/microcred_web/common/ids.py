"""Identifiers."""

from __future__ import annotations

import os
import time
import uuid

_VERSION_MASK = ~((0xF << 76) | (0x3 << 62))
_VERSION_7 = (0x7 << 76) | (0x2 << 62)  # version 7, variant RFC 9562


def uuid7() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits.

    Values made one after the other sort together, so a unique index on them grows at its end
    instead of being written all over (a random UUID lands on a different index page each
    time: for a batch of 1,000 new rows, a thousand pages rewritten). The random part keeps
    them unguessable; the time part tells what the credential's ``validFrom`` already does.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=value & _VERSION_MASK | _VERSION_7)
