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
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Final

from microcred.errors import StatusListError

__all__ = [
    "DEFAULT_SIZE",
    "MAX_DECODED_BYTES",
    "MINIMUM_ENTRIES",
    "BitstringStatusList",
    "allocate_index",
    "status_entry",
    "status_list_credential",
]

MINIMUM_ENTRIES: Final = 131_072
"""The REC's ``minimumNumberOfEntries``: a list with fewer entries (bits / ``statusSize``) is
``STATUS_LIST_LENGTH_ERROR`` (herd privacy)."""
DEFAULT_SIZE: Final = MINIMUM_ENTRIES
"""Bits in a new list: the minimum for one-bit entries (16 KiB)."""
MAX_STATUS_SIZE: Final = 8
"""Largest ``statusSize`` accepted (its ``statusMessage`` lists 2**statusSize values)."""
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

    def _entry_start(self, index: int, status_size: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise StatusListError(
                f"status list index must be a non-negative integer, not {index!r}"
            )
        if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
            raise StatusListError(f"statusSize must be a positive integer, not {status_size!r}")
        self._position(index * status_size + status_size - 1)
        return index * status_size

    def value(self, index: int, status_size: int = 1) -> int:
        """The ``status_size``-bit value of entry ``index`` (bits ``index * status_size`` on,
        the first one most significant)."""
        first = self._entry_start(index, status_size)
        value = 0
        for position in range(first, first + status_size):
            value = (value << 1) | self.get(position)
        return value

    def set_value(self, index: int, value: int, status_size: int = 1) -> None:
        """Write ``value`` into the ``status_size`` bits of entry ``index``."""
        if isinstance(value, bool) or not 0 <= value < 1 << status_size:
            raise StatusListError(f"status value {value!r} does not fit in {status_size} bits")
        first = self._entry_start(index, status_size)
        for offset in range(status_size):
            self.set(first + offset, bool(value >> (status_size - 1 - offset) & 1))

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


def status_entry(
    *,
    list_credential_url: str,
    index: int,
    purpose: str,
    status_size: int = 1,
    messages: Sequence[tuple[int, str]] = (),
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus``.

    ``status_size`` > 1 needs one ``(value, message)`` per possible value, written as the
    REC's ``statusMessage`` (``{"status": "0x2", "message": "revoked"}``).
    """
    if purpose not in PURPOSES:
        raise StatusListError(f"statusPurpose must be among {sorted(PURPOSES)}, not {purpose!r}")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError(f"statusListIndex must be a non-negative integer, not {index!r}")
    if isinstance(status_size, bool) or not 1 <= status_size <= MAX_STATUS_SIZE:
        raise StatusListError(f"statusSize must be 1..{MAX_STATUS_SIZE}, not {status_size!r}")
    if status_size > 1 and sorted(v for v, _m in messages) != list(range(1 << status_size)):
        raise StatusListError(f"statusSize {status_size} needs a message for every value")
    entry: dict[str, Any] = {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }
    if status_size > 1:
        entry["statusSize"] = status_size
    if messages:
        entry["statusMessage"] = [
            {"status": hex(value), "message": message} for value, message in sorted(messages)
        ]
    return entry
