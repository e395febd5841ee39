"""An inclusion bundle: everything an offline verifier needs to see a credential in its log.

``{"type": "TransparencyLogInclusion", "log": origin, "logKey": verifier key, "index": n,
"entry": entry JSON text, "treeSize": size, "proof": [base64 hashes], "checkpoint": note}``.
:func:`inclusion_check` verifies the checkpoint's signature, the entry's place in the tree and
that the entry records this very credential (its id and digest).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.tlog.checkpoint import Checkpoint, checkpoint_open
from microcred.tlog.entries import LogEntry, credential_digest
from microcred.tlog.errors import LogError, ProofError
from microcred.tlog.merkle import leaf_hash, verify_inclusion
from microcred.tlog.note import NoteVerifier

BUNDLE_TYPE = "TransparencyLogInclusion"


@dataclass(frozen=True, slots=True)
class Inclusion:
    """A verified inclusion: entry ``index`` of the log ``origin`` under ``checkpoint``."""

    origin: str
    index: int
    entry: LogEntry
    checkpoint: Checkpoint
    log_key: str


def inclusion_bundle(
    *,
    origin: str,
    log_key: str,
    index: int,
    entry: bytes,
    proof: list[bytes],
    checkpoint_note: str,
    size: int,
) -> dict[str, Any]:
    return {
        "type": BUNDLE_TYPE,
        "log": origin,
        "logKey": log_key,
        "index": index,
        "entry": entry.decode("utf-8"),
        "treeSize": size,
        "proof": [base64.b64encode(node).decode() for node in proof],
        "checkpoint": checkpoint_note,
    }


def _field(bundle: Mapping[str, Any], name: str, kind: type) -> Any:
    value = bundle.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise LogError(f"{name}: missing or not a {kind.__name__}")
    return value


def inclusion_check(
    bundle: Mapping[str, Any],
    document: Mapping[str, Any] | None = None,
    *,
    log_key: str | None = None,
) -> Inclusion:
    """Verify ``bundle`` (against ``log_key`` when given, else the key it names) and, when
    ``document`` is given, that its entry is this credential's issuance. Raises :class:`LogError`.
    """
    if not isinstance(bundle, Mapping) or bundle.get("type") != BUNDLE_TYPE:
        raise LogError(f"type: not a {BUNDLE_TYPE}")
    named_key = _field(bundle, "logKey", str)
    if log_key is not None and named_key.strip() != log_key.strip():
        raise LogError("logKey: the proof is signed for another log key than the one trusted")
    verifier = NoteVerifier.parse(log_key or named_key)
    checkpoint = checkpoint_open(
        _field(bundle, "checkpoint", str), verifier, origin=_field(bundle, "log", str)
    )
    index, size = _field(bundle, "index", int), _field(bundle, "treeSize", int)
    if size != checkpoint.size:
        raise ProofError(
            f"treeSize: the proof is for size {size}, the checkpoint has size {checkpoint.size}"
        )
    try:
        proof = [base64.b64decode(node, validate=True) for node in _field(bundle, "proof", list)]
    except (binascii.Error, ValueError, TypeError) as exc:
        raise LogError("proof: not a list of base64 hashes") from exc
    entry_bytes = _field(bundle, "entry", str).encode("utf-8")
    entry = LogEntry.parse(entry_bytes)
    verify_inclusion(
        index=index,
        size=size,
        hashed_leaf=leaf_hash(entry_bytes),
        proof=proof,
        root=checkpoint.root_hash,
    )
    if document is not None:
        if entry.kind != "credential.issued" or entry.subject != document.get("id"):
            raise LogError("entry: it records another credential")
        if entry.digest != credential_digest(document):
            raise LogError(
                "entry: the logged digest is not this credential's: altered or re-issued"
            )
    return Inclusion(
        origin=checkpoint.origin,
        index=index,
        entry=entry,
        checkpoint=checkpoint,
        log_key=verifier.encode(),
    )
