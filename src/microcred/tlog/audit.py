"""The auditor: recompute a log from its tiles and hold it to every checkpoint seen.

It reads the latest checkpoint and every entry bundle through ``fetch`` (a function from a tile
path to bytes: a folder, or HTTP supplied by the caller; the core never opens a socket),
rebuilds the tree, compares each published hash tile with the recomputed one and checks that
every earlier checkpoint is a prefix of this tree. Every problem becomes a finding with a kind:

``signature``  the checkpoint is not signed by the log key (forged, or another log)
``missing``    a tile the log should publish is absent
``truncated``  a tile or bundle shorter than its size says
``rewrite``    published hashes or entries that do not produce the signed root
``fork``       an earlier signed checkpoint that is not a prefix of this tree
``rollback``   the log now claims fewer entries than a checkpoint already seen
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from microcred.tlog.checkpoint import Checkpoint, checkpoint_open
from microcred.tlog.errors import LogError, TileError, TileMissing
from microcred.tlog.merkle import MerkleTree, leaf_hash
from microcred.tlog.note import NoteVerifier
from microcred.tlog.tiles import (
    TileRef,
    entry_bundles_for_size,
    hash_tile,
    hash_tiles_for_size,
    parse_entry_bundle,
    split_hash_tile,
)

Fetch = Callable[[str], bytes]
CHECKPOINT_PATH = "checkpoint"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


@dataclass
class AuditReport:
    """What the audit established; ``ok`` only when there is no finding."""

    checkpoint: Checkpoint | None = None
    note: str = ""
    entries: list[bytes] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    checkpoints_checked: int = 0
    tiles_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.checkpoint is not None and not self.findings


def folder_fetcher(root: str | Path) -> Fetch:
    """Read tiles from a folder that mirrors the log's URL layout."""
    base = Path(root).resolve()

    def fetch(path: str) -> bytes:
        target = (base / path).resolve()
        if base not in target.parents and target != base:
            raise TileMissing(f"{path!r} is outside the log folder")
        try:
            return target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise TileMissing(f"{path} is missing") from exc

    return fetch


def _fetch_tile(fetch: Fetch, ref: TileRef) -> bytes:
    """A partial tile, or the full one when the log has grown past it (C2SP allows both)."""
    try:
        return fetch(ref.path)
    except TileMissing:
        if ref.width == 256:
            raise
        data = fetch(ref.full_path)
        return data if ref.level is None else data[: ref.width * 32]


def _read_entries(fetch: Fetch, size: int, report: AuditReport) -> list[bytes] | None:
    entries: list[bytes] = []
    for ref in entry_bundles_for_size(size):
        try:
            entries.extend(parse_entry_bundle(_fetch_tile(fetch, ref), ref))
        except TileMissing as exc:
            report.findings.append(Finding("missing", ref.path, str(exc)))
            return None
        except TileError as exc:
            report.findings.append(Finding("truncated", ref.path, str(exc)))
            return None
    return entries


def _check_hash_tiles(fetch: Fetch, tree: MerkleTree, report: AuditReport) -> None:
    for ref in hash_tiles_for_size(tree.size):
        try:
            published = split_hash_tile(_fetch_tile(fetch, ref), ref)
        except TileMissing as exc:
            report.findings.append(Finding("missing", ref.path, str(exc)))
            continue
        except TileError as exc:
            report.findings.append(Finding("truncated", ref.path, str(exc)))
            continue
        report.tiles_checked += 1
        expected = hash_tile(tree, ref)
        for position, hashed in enumerate(published):
            if hashed != expected[position * 32 : position * 32 + 32]:
                report.findings.append(
                    Finding(
                        "rewrite",
                        ref.path,
                        f"hash {position} differs from the one the entries produce",
                    )
                )
                break


def _check_seen(
    seen: Iterable[str], verifier: NoteVerifier, tree: MerkleTree, report: AuditReport
) -> None:
    for number, note in enumerate(seen, start=1):
        where = f"checkpoint seen #{number}"
        try:
            old = checkpoint_open(note, verifier)
        except LogError as exc:
            report.findings.append(Finding("signature", where, str(exc)))
            continue
        report.checkpoints_checked += 1
        if old.size > tree.size:
            report.findings.append(
                Finding(
                    "rollback",
                    where,
                    f"size {old.size} was signed, the log now shows only {tree.size} entries",
                )
            )
        elif tree.root(old.size) != old.root_hash:
            report.findings.append(
                Finding(
                    "fork", where, f"the signed root of size {old.size} is not a prefix of this log"
                )
            )


def log_audit(
    *,
    fetch: Fetch,
    verifier: NoteVerifier,
    seen: Sequence[str] = (),
    origin: str | None = None,
) -> AuditReport:
    """Audit the log ``fetch`` reads against its key and the checkpoints ``seen`` before.

    Never raises for a bad log: every problem is a :class:`Finding` in the report.
    """
    report = AuditReport()
    try:
        note = fetch(CHECKPOINT_PATH).decode("utf-8", "replace")
    except TileMissing as exc:
        report.findings.append(Finding("missing", CHECKPOINT_PATH, str(exc)))
        return report
    try:
        checkpoint = checkpoint_open(note, verifier, origin=origin)
    except LogError as exc:
        report.findings.append(Finding("signature", CHECKPOINT_PATH, str(exc)))
        return report
    report.checkpoint, report.note = checkpoint, note
    entries = _read_entries(fetch, checkpoint.size, report)
    if entries is None:
        return report
    report.entries = entries
    tree = MerkleTree.from_leaf_hashes([leaf_hash(entry) for entry in entries])
    if tree.root() != checkpoint.root_hash:
        report.findings.append(
            Finding(
                "rewrite",
                "tile/entries",
                f"the entries do not produce the signed root of size {checkpoint.size}",
            )
        )
    _check_hash_tiles(fetch, tree, report)
    _check_seen([*seen, note], verifier, tree, report)
    return report
