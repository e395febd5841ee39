"""Transparency log core: RFC 9162 Merkle trees, C2SP signed notes, checkpoints and tiles.

Pure: standard library and ``cryptography`` only; tiles are read through a function the caller
supplies (a folder, or HTTP in the web layer), never fetched here.
"""

from __future__ import annotations

from microcred.tlog.audit import AuditReport, Finding, folder_fetcher, log_audit
from microcred.tlog.checkpoint import Checkpoint, checkpoint_open, checkpoint_sign
from microcred.tlog.entries import ENTRY_KINDS, LogEntry, credential_digest
from microcred.tlog.errors import (
    CheckpointError,
    LogError,
    LogInconsistency,
    NoteError,
    ProofError,
    TileError,
    TileMissing,
)
from microcred.tlog.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from microcred.tlog.note import NoteSigner, NoteVerifier, open_note

__all__ = [
    "EMPTY_ROOT",
    "ENTRY_KINDS",
    "AuditReport",
    "Checkpoint",
    "CheckpointError",
    "Finding",
    "LogEntry",
    "LogError",
    "LogInconsistency",
    "MerkleTree",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "ProofError",
    "TileError",
    "TileMissing",
    "checkpoint_open",
    "checkpoint_sign",
    "credential_digest",
    "folder_fetcher",
    "leaf_hash",
    "log_audit",
    "node_hash",
    "open_note",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]
