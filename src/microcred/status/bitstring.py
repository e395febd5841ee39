"""W3C Bitstring Status List v1.0: the list, its encoding, entries and status checks.

Bit order is MSB-first: index 0 is the most significant bit of byte 0. ``encodedList`` is the
GZIP-compressed bitstring, multibase base64url without padding (prefix ``u``).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import secrets
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from microcred.errors import StatusListError

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

DEFAULT_SIZE: Final = 131_072
"""Entries (bits) in a list: the REC's minimum, which gives herd privacy (16 KiB)."""
MAX_DECODED_BYTES: Final = 16 * 1024 * 1024
"""Largest decompressed list accepted (134M entries); a larger one is treated as a GZIP bomb."""
MAX_ENCODED_CHARS: Final = 8 * 1024 * 1024

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
PURPOSES: Final = frozenset({"revocation", "suspension", "refresh", "message"})

_ALLOCATION_ATTEMPTS: Final = 64


class BitstringStatusList:
    """A mutable bitstring of ``size`` one-bit statuses, all clear at first."""

    __slots__ = ("_bits",)

    def __init__(self, size: int = DEFAULT_SIZE, *, data: bytes | None = None) -> None:
        if data is None:
            if not isinstance(size, int) or size <= 0 or size % 8:
                raise StatusListError(f"size must be a positive multiple of 8, not {size!r}")
            if size > MAX_DECODED_BYTES * 8:
                raise StatusListError(f"size {size} is above the limit {MAX_DECODED_BYTES * 8}")
            self._bits = bytearray(size // 8)
        else:
            if not data:
                raise StatusListError("a status list cannot be empty")
            self._bits = bytearray(data)

    @property
    def size(self) -> int:
        """Number of entries (bits)."""
        return len(self._bits) * 8

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def _position(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise StatusListError(f"status list index must be an integer, not {index!r}")
        if not 0 <= index < self.size:
            raise StatusListError(f"status list index {index} is outside 0..{self.size - 1}")
        return index >> 3, 0x80 >> (index & 7)

    def get(self, index: int) -> bool:
        """Whether the bit at ``index`` is set."""
        byte, mask = self._position(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (``True``) or clear (``False``) the bit at ``index``."""
        byte, mask = self._position(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """Every index whose bit is set, ascending."""
        found: list[int] = []
        for byte_index, byte in enumerate(self._bits):
            if byte:
                found.extend(byte_index * 8 + bit for bit in range(8) if byte & (0x80 >> bit))
        return found

    def encode(self) -> str:
        """``encodedList``: GZIP (deterministic header) then multibase base64url, no padding."""
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str) -> BitstringStatusList:
        """Parse an ``encodedList``; refuses bad encodings and lists above the size limit."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList must be multibase base64url (starting with 'u')")
        if len(encoded) > MAX_ENCODED_CHARS:
            raise StatusListError("encodedList is too long")
        body = encoded[1:]
        try:
            compressed = base64.b64decode(
                body + "=" * (-len(body) % 4), altchars=b"-_", validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise StatusListError("encodedList is not valid base64url") from exc
        return cls(data=_gunzip_bounded(compressed, MAX_DECODED_BYTES))

    def allocate_index(self, used: Collection[int] | Callable[[int], bool]) -> int:
        """A random index of this list that ``used`` does not hold."""
        return allocate_index(used, size=self.size)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BitstringStatusList) and self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BitstringStatusList(size={self.size}, set={len(self.set_indices())})"


def _gunzip_bounded(compressed: bytes, limit: int) -> bytes:
    if compressed[:2] != b"\x1f\x8b":
        raise StatusListError("encodedList is not GZIP-compressed")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, limit + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList GZIP data is corrupt: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise StatusListError(
            f"decompressed status list exceeds {limit} bytes: refused (possible GZIP bomb)"
        )
    if not inflater.eof:
        raise StatusListError("encodedList GZIP data is truncated")
    return data


def allocate_index(
    used: Collection[int] | Callable[[int], bool], *, size: int = DEFAULT_SIZE
) -> int:
    """A uniformly random index in ``0..size-1`` not in ``used`` (a collection or predicate).

    Random indices keep the position of a credential in the list unlinkable to its issue order.
    """
    is_used: Callable[[int], bool] = used if callable(used) else used.__contains__
    for _ in range(_ALLOCATION_ATTEMPTS):
        candidate = secrets.randbelow(size)
        if not is_used(candidate):
            return candidate
    # Nearly full: scan once from a random start so the answer is still unpredictable.
    start = secrets.randbelow(size)
    for offset in range(size):
        candidate = (start + offset) % size
        if not is_used(candidate):
            return candidate
    raise StatusListError(f"the status list is full: all {size} indices are in use")


# --------------------------------------------------------------------------- documents


def status_list_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    purpose: str | list[str],
    encoded_list: str,
    valid_from: str | None = None,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (sign it with a suite afterwards)."""
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or any(p not in PURPOSES for p in purposes):
        raise StatusListError(f"statusPurpose must be among {sorted(PURPOSES)}, not {purpose!r}")
    BitstringStatusList.decode(encoded_list)
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purposes[0] if isinstance(purpose, str) else purposes,
        "encodedList": encoded_list,
    }
    return credential


def status_entry(*, list_credential_url: str, index: int, purpose: str) -> dict[str, str]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus``."""
    if purpose not in PURPOSES:
        raise StatusListError(f"statusPurpose must be among {sorted(PURPOSES)}, not {purpose!r}")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError(f"statusListIndex must be a non-negative integer, not {index!r}")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


@dataclass(frozen=True, slots=True)
class StatusCheck:
    """The status bit of one credential. ``set`` is True when the status applies."""

    purpose: str
    index: int
    set: bool
    reason: str


_SET_MEANING: Final = {
    "revocation": "the credential is revoked",
    "suspension": "the credential is suspended",
    "refresh": "the credential should be refreshed",
    "message": "a status message applies",
}


def check_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusCheck:
    """Read the bit ``entry`` points to in ``list_credential`` (whose proof the caller checked).

    Raises :class:`StatusListError` when the entry or list is malformed, when the purposes do
    not match, or when the index is outside the list. Like the REC's validation algorithm, it
    does not require the list credential's ``id`` to equal the entry's URL (the 1EdTech
    fixture list is published under a URL other than its id); the caller, who dereferenced
    the URL, vouches that ``list_credential`` is what it serves.
    """
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError("credentialStatus is not a BitstringStatusListEntry")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("the status entry has no statusPurpose")
    index = _parse_index(entry.get("statusListIndex"))
    size = entry.get("statusSize", 1)
    if size not in (1, "1"):
        raise StatusListError(f"statusSize {size!r} is not supported (only 1-bit statuses)")
    subject = _list_subject(list_credential)
    if not isinstance(entry.get("statusListCredential"), str):
        raise StatusListError("the status entry has no statusListCredential URL")
    list_purposes = subject.get("statusPurpose")
    allowed = list_purposes if isinstance(list_purposes, list) else [list_purposes]
    if purpose not in allowed:
        raise StatusListError(
            f"status purpose mismatch: the entry says {purpose!r}, "
            f"the list is for {list_purposes!r}"
        )
    bits = BitstringStatusList.decode(subject["encodedList"])
    if index >= bits.size:
        raise StatusListError(f"statusListIndex {index} is outside the list (size {bits.size})")
    is_set = bits.get(index)
    if is_set:
        reason = f"{purpose} bit {index} is set: {_SET_MEANING.get(purpose, 'the status applies')}"
    else:
        reason = f"{purpose} bit {index} is not set"
    return StatusCheck(purpose=purpose, index=index, set=is_set, reason=reason)


def _parse_index(value: Any) -> int:
    # The REC says a string of digits; the 1EdTech fixtures also use a JSON integer.
    if isinstance(value, bool):
        raise StatusListError("statusListIndex must be a string of digits")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise StatusListError(f"statusListIndex must be a string of digits, not {value!r}")


def _list_subject(list_credential: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(list_credential, Mapping):
        raise StatusListError("the status list credential is not a JSON object")
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise StatusListError("the list is not a BitstringStatusListCredential")
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError("the list credential's subject is not a BitstringStatusList")
    if not isinstance(subject.get("encodedList"), str):
        raise StatusListError("the status list has no encodedList")
    return subject
