"""One status entry for revocation and suspension: a 2-bit ``message`` list (decision 0019).

Open Badges 3.0 allows a single ``credentialStatus``; a Bitstring Status List entry with
``statusPurpose: "message"``, ``statusSize: 2`` and a ``statusMessage`` per value carries both:

====== ============ ==============================================================
value  message      meaning
====== ============ ==============================================================
0x0    valid        neither revoked nor suspended
0x1    suspended    suspended for now (may be reinstated: back to 0x0)
0x2    revoked      revoked for good (never changes again)
0x3    revoked      not written by microcred; read as revoked
====== ============ ==============================================================
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Final

from microcred.status.bitstring import status_entry

__all__ = ["STANDING_MESSAGES", "STANDING_SIZE", "Standing", "standing_change", "standing_entry"]

STANDING_SIZE: Final = 2
"""Bits per credential in a standing list."""


class Standing(IntEnum):
    """The value of a credential's entry in a standing list."""

    VALID = 0
    SUSPENDED = 1
    REVOKED = 2


STANDING_MESSAGES: Final = ((0, "valid"), (1, "suspended"), (2, "revoked"), (3, "revoked"))
"""``statusMessage`` of every standing entry (the REC wants one per possible value)."""


def standing_entry(*, list_credential_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential whose standing is entry ``index`` of the list."""
    return status_entry(
        list_credential_url=list_credential_url,
        index=index,
        purpose="message",
        status_size=STANDING_SIZE,
        messages=STANDING_MESSAGES,
    )


def standing_change(current: int, wanted: Standing) -> int:
    """The value to write when ``wanted`` is asked of an entry holding ``current``: revocation
    is final, so a revoked entry keeps its value."""
    if current >= Standing.REVOKED:
        return current
    return int(wanted)
