"""Reads of the transparency log: tiles, inclusion and consistency proofs."""

from __future__ import annotations

from typing import Any

from microcred.tlog import MerkleTree, TileError
from microcred.tlog.inclusion import inclusion_bundle
from microcred.tlog.tiles import TILE_WIDTH, entry_bundle, hash_tile, parse_tile_path
from microcred_web.transparency.models import LogRecord, SignedCheckpoint, TransparencyLog
from microcred_web.transparency.tree import log_tree


class LogReadError(LookupError):
    """A request the log cannot answer; ``field`` names the parameter at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def log_of(*, slug: str) -> TransparencyLog | None:
    return TransparencyLog.objects.filter(organisation__slug=slug).first()


def log_committed_size(log: TransparencyLog) -> int:
    return int(TransparencyLog.objects.values_list("size", flat=True).get(pk=log.pk))


def tile_content(log: TransparencyLog, path: str) -> tuple[bytes, bool]:
    """The bytes of tile ``path`` and whether it is a full (immutable) tile."""
    try:
        ref = parse_tile_path(path)
    except TileError as exc:
        raise LogReadError(str(exc), "path") from exc
    size = log_committed_size(log)
    start = ref.index * TILE_WIDTH
    if ref.level is None:
        if start + ref.width > size:
            raise LogReadError(f"{path} is beyond the log's {size} entries", "path")
        rows = (
            LogRecord.objects.filter(log=log, index__gte=start, index__lt=start + ref.width)
            .order_by("index")
            .values_list("data", flat=True)
        )
        return entry_bundle([bytes(data) for data in rows]), ref.width == TILE_WIDTH
    nodes = size >> (8 * ref.level)
    if start + ref.width > nodes:
        raise LogReadError(f"{path} is beyond the log's {size} entries", "path")
    tree = log_tree(log.pk, size)
    return hash_tile(tree, ref), ref.width == TILE_WIDTH


def _checkpoint_of_size(log: TransparencyLog, size: int | None) -> SignedCheckpoint:
    checkpoints = SignedCheckpoint.objects.filter(log=log)
    found = (
        checkpoints.filter(size=size) if size is not None else checkpoints.order_by("-size")
    ).first()
    if found is None:
        raise LogReadError(f"no signed checkpoint of size {size}", "size")
    return found


def inclusion_of_credential(
    log: TransparencyLog, *, public_id: Any, size: int | None = None
) -> dict[str, Any]:
    """The inclusion bundle of the credential's issuance entry under checkpoint ``size``
    (default: the latest signed checkpoint)."""
    record = (
        LogRecord.objects.filter(log=log, credential=public_id, kind="credential.issued")
        .values_list("index", "data")
        .first()
    )
    if record is None:
        raise LogReadError("this credential is not in the log", "credential")
    index, data = record
    checkpoint = _checkpoint_of_size(log, size)
    if index >= checkpoint.size:
        raise LogReadError(
            f"entry {index} is not in the checkpoint of size {checkpoint.size}: ask a later one",
            "size",
        )
    tree: MerkleTree = log_tree(log.pk, checkpoint.size)
    return inclusion_bundle(
        origin=log.origin,
        log_key=log.verifier_key,
        index=index,
        entry=bytes(data),
        proof=tree.inclusion_proof(index, checkpoint.size),
        checkpoint_note=checkpoint.note,
        size=checkpoint.size,
    )


def consistency_between(log: TransparencyLog, *, old: int, new: int) -> list[bytes]:
    size = log_committed_size(log)
    if not 0 <= old <= new:
        raise LogReadError("old must be between 0 and new", "old")
    if new > size:
        raise LogReadError(f"new: the log has {size} entries", "new")
    return log_tree(log.pk, new).consistency_proof(old, new)
