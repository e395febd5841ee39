"""Credential status: W3C Bitstring Status List v1.0."""

from __future__ import annotations

from microcred.status.bitstring import (
    DEFAULT_SIZE,
    MAX_DECODED_BYTES,
    BitstringStatusList,
    StatusCheck,
    allocate_index,
    check_status,
    status_entry,
    status_list_credential,
)

__all__ = [
    "DEFAULT_SIZE",
    "MAX_DECODED_BYTES",
    "BitstringStatusList",
    "StatusCheck",
    "allocate_index",
    "check_status",
    "status_entry",
    "status_list_credential",
]
