"""Credential status: W3C Bitstring Status List v1.0."""

from __future__ import annotations

from microcred.status.bitstring import (
    DEFAULT_SIZE,
    MAX_DECODED_BYTES,
    MINIMUM_ENTRIES,
    BitstringStatusList,
    allocate_index,
    status_entry,
    status_list_credential,
)
from microcred.status.check import StatusCheck, check_status
from microcred.status.standing import (
    STANDING_MESSAGES,
    STANDING_SIZE,
    Standing,
    standing_change,
    standing_entry,
)

__all__ = [
    "DEFAULT_SIZE",
    "MAX_DECODED_BYTES",
    "MINIMUM_ENTRIES",
    "STANDING_MESSAGES",
    "STANDING_SIZE",
    "BitstringStatusList",
    "Standing",
    "StatusCheck",
    "allocate_index",
    "check_status",
    "standing_change",
    "standing_entry",
    "status_entry",
    "status_list_credential",
]
