"""The Merkle tree of each log, kept in memory and extended from the database.

Entries never change, so a cached tree that is a prefix of the stored log stays right: each
use extends it with the rows past its size. It is checked against the stored leaf hash of its
last entry, so a cache built from a transaction that was rolled back (or from a test database
that was reset) is noticed and rebuilt instead of serving a wrong root.
"""

from __future__ import annotations

import threading

from microcred.tlog import MerkleTree
from microcred_web.transparency.models import LogRecord

_trees: dict[int, MerkleTree] = {}
_lock = threading.Lock()
_CHUNK = 20_000


def _still_valid(log_id: int, tree: MerkleTree) -> bool:
    if tree.size == 0:
        return True
    stored = (
        LogRecord.objects.filter(log_id=log_id, index=tree.size - 1)
        .values_list("leaf_hash", flat=True)
        .first()
    )
    return stored is not None and bytes(stored) == tree.leaf(tree.size - 1)


def _built(log_id: int, size: int) -> MerkleTree:
    """The first ``size`` entries' tree, built level by level from the stored leaf hashes."""
    hashes = [
        bytes(hashed)
        for hashed in LogRecord.objects.filter(log_id=log_id, index__lt=size)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
        .iterator(chunk_size=_CHUNK)
    ]
    if len(hashes) != size:
        raise LookupError(f"log {log_id} has {len(hashes)} of its first {size} entries")
    return MerkleTree.from_leaf_hashes(hashes)


def log_tree(log_id: int, size: int) -> MerkleTree:
    """A tree holding at least the first ``size`` entries of log ``log_id``."""
    with _lock:
        tree = _trees.get(log_id)
        if tree is None or not _still_valid(log_id, tree):
            tree = _trees[log_id] = _built(log_id, size)
        while tree.size < size:
            rows = (
                LogRecord.objects.filter(log_id=log_id, index__gte=tree.size, index__lt=size)
                .order_by("index")
                .values_list("index", "leaf_hash")[:_CHUNK]
            )
            added = 0
            for index, hashed in rows:
                if index != tree.size:
                    raise LookupError(f"log {log_id} has no entry {tree.size}")
                tree.append(bytes(hashed))
                added += 1
            if not added:
                raise LookupError(f"log {log_id} has no entry {tree.size}")
        return tree


def log_trees_forget() -> None:
    """Drop every cached tree (tests that rewrite the database behind the cache)."""
    with _lock:
        _trees.clear()
