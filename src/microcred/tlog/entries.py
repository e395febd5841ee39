"""What one entry of a microcred log says: an event about a credential or a key.

An entry is canonical JSON (RFC 8785) of ``{"at", "digest", "kind", "subject"}``: the credential
id (or key id), the SHA-256 of the credential's canonical JSON, the event, the time. No name or
e-mail address is ever logged: the digest reveals nothing without the credential itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.canon.jcs import canonicalize_json
from microcred.tlog.errors import LogError

ENTRY_KINDS = (
    "credential.issued",
    "credential.revoked",
    "credential.suspended",
    "credential.reinstated",
    "key.rotated",
)
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_FIELDS = {"at", "digest", "kind", "subject"}


_SAFE_INTEGER = 2**53


def _plain(value: Any) -> bool:
    """True when ``json.dumps`` (sorted keys, no spaces, raw text) writes the RFC 8785 bytes:
    no floating-point number, no integer beyond 2**53, no key outside the BMP (JCS sorts keys
    by UTF-16 units, Python by code points: they agree inside the BMP)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in item:
                if not key.isascii() and any(ord(c) > 0xFFFF for c in key):
                    return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) or (
            isinstance(item, int) and not isinstance(item, bool) and abs(item) >= _SAFE_INTEGER
        ):
            return False
    return True


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of ``document``, the fast way when that is the same bytes."""
    value = dict(document)
    if _plain(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return canonicalize_json(value)


def credential_digest_of_text(text: str) -> tuple[dict[str, Any], str]:
    """Parse a credential's JSON text and digest it in one pass (the issuing hot path): the
    parser's hooks notice floats and large integers, a scan of the text non-BMP characters."""
    unusual: list[str] = []

    def on_float(literal: str) -> float:
        unusual.append(literal)
        return float(literal)

    def on_int(literal: str) -> int:
        value = int(literal)
        if abs(value) >= _SAFE_INTEGER:
            unusual.append(literal)
        return value

    document = json.loads(text, parse_float=on_float, parse_int=on_int)
    if not isinstance(document, dict):
        raise LogError("a credential is a JSON object")
    simple_text = "\\u" not in text and (text.isascii() or max(text) <= "\uffff")
    if unusual or not simple_text:
        return document, credential_digest(document)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return document, "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def credential_digest(document: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the credential's RFC 8785 canonical JSON (proof included)."""
    return "sha256:" + hashlib.sha256(canonical_bytes(document)).hexdigest()


@dataclass(frozen=True, slots=True)
class LogEntry:
    kind: str
    subject: str
    digest: str
    at: str

    def encode(self) -> bytes:
        """RFC 8785 form. For an object of four strings under ASCII keys, ``json.dumps`` with
        sorted keys, no spaces and raw non-ASCII text writes exactly the JCS bytes."""
        return json.dumps(
            {"at": self.at, "digest": self.digest, "kind": self.kind, "subject": self.subject},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> LogEntry:
        """Read an entry; anything else raises :class:`LogError` naming the field."""
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise LogError("the entry is not UTF-8 JSON") from exc
        if not isinstance(value, dict) or set(value) != _FIELDS:
            raise LogError(f"an entry has exactly the fields {sorted(_FIELDS)}")
        if not all(isinstance(value[name], str) for name in _FIELDS):
            raise LogError("every field of an entry is a string")
        if value["kind"] not in ENTRY_KINDS:
            raise LogError(f"kind: {value['kind']!r} is not one of {', '.join(ENTRY_KINDS)}")
        if value["digest"] and not _DIGEST.fullmatch(value["digest"]):
            raise LogError("digest: not sha256:<64 hexadecimal digits>")
        entry = cls(
            kind=value["kind"], subject=value["subject"], digest=value["digest"], at=value["at"]
        )
        if entry.encode() != data:
            raise LogError("the entry is not in canonical JSON form")
        return entry
