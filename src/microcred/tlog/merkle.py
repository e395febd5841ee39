"""RFC 9162 §2.1 Merkle trees: hashing, tree heads, inclusion and consistency proofs.

Leaves hash as ``SHA-256(0x00 || data)``, interior nodes as ``SHA-256(0x01 || left || right)``,
the empty tree as ``SHA-256()``. :class:`MerkleTree` keeps every complete subtree hash
(level 0 = leaf hashes, level k = hashes of aligned subtrees of 2**k leaves), so a tree head or a
proof for any earlier size costs O(log² n) hash look-ups and at most O(log n) new hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from microcred.tlog.errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: ``SHA-256(0x00 || data)``."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than ``size`` (``size`` >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class MerkleTree:
    """An append-only tree over leaf hashes that answers for every size it has had."""

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> MerkleTree:
        """A tree built level by level (several times faster than appending one by one)."""
        tree = cls()
        level = list(leaf_hashes)
        tree._levels = [level]
        sha256 = _sha256
        while len(level) > 1:
            lefts, rights = level[0 : len(level) - 1 : 2], level[1::2]
            level = [
                sha256(b"\x01" + left + right).digest()
                for left, right in zip(lefts, rights, strict=True)
            ]
            tree._levels.append(level)
        return tree

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, hashed_leaf: bytes) -> int:
        """Add one leaf hash; returns its index."""
        levels = self._levels
        index = len(levels[0])
        levels[0].append(hashed_leaf)
        level, position, value = 0, index, hashed_leaf
        while position & 1:  # a right child completes its parent
            left = levels[level][position - 1]
            value = node_hash(left, value)
            level += 1
            position >>= 1
            if level == len(levels):
                levels.append([])
            levels[level].append(value)
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for hashed in leaf_hashes:
            self.append(hashed)

    def level(self, number: int) -> Sequence[bytes]:
        """The complete subtree hashes of ``number`` (level 0 = leaf hashes)."""
        return self._levels[number] if number < len(self._levels) else ()

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree that occurs in some tree of size >= ``end``."""
        width = end - start
        if width <= 0:
            return EMPTY_ROOT
        if width & (width - 1) == 0 and start % width == 0:
            return self._levels[width.bit_length() - 1][start // width]
        split = _split(width)
        return node_hash(
            self.subtree_hash(start, start + split), self.subtree_hash(start + split, end)
        )

    def root(self, size: int | None = None) -> bytes:
        """The tree head of the first ``size`` leaves (default: all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return self.subtree_hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[size]), deepest sibling first."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf index {index} is outside a tree of size {size}")
        path: list[bytes] = []
        low, high = 0, size
        while high - low > 1:
            split = _split(high - low)
            if index < low + split:
                path.append(self.subtree_hash(low + split, high))
                high = low + split
            else:
                path.append(self.subtree_hash(low, low + split))
                low += split
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size])."""
        new_size = self.size if new_size is None else new_size
        self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
        if old_size in (0, new_size):
            return []
        path: list[bytes] = []
        low, high, remaining, original = 0, new_size, old_size, True
        while True:
            width = high - low
            if remaining == width:
                if not original:
                    path.append(self.subtree_hash(low, high))
                break
            split = _split(width)
            if remaining <= split:
                path.append(self.subtree_hash(low + split, high))
                high = low + split
            else:
                path.append(self.subtree_hash(low, low + split))
                low += split
                remaining -= split
                original = False
        path.reverse()
        return path

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ProofError(f"tree size {size} is not available (the tree has {self.size} leaves)")


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree head over ``leaf_hashes``."""
    return MerkleTree(leaf_hashes).root()


def verify_inclusion(
    *, index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises :class:`ProofError` naming what does not hold."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, value = index, size - 1, hashed_leaf
    for sibling in proof:
        if sn == 0:
            raise ProofError(f"the inclusion proof is too long for size {size}")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the inclusion proof is too short for size {size}")
    if value != root:
        raise ProofError(f"leaf {index} is not in the tree of size {size} with this root")


def verify_consistency(
    *, old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raises :class:`ProofError` naming what does not hold."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"size {old_size} cannot precede size {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}: a fork")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError(f"an empty consistency proof from size {old_size} to {new_size}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ProofError(f"the consistency proof is too long for sizes {old_size}→{new_size}")
        if fn & 1 or fn == sn:
            first = node_hash(node, first)
            second = node_hash(node, second)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            second = node_hash(second, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the consistency proof is too short for sizes {old_size}→{new_size}")
    if first != old_root:
        raise ProofError(f"the proof does not lead to the old root of size {old_size}")
    if second != new_root:
        raise ProofError(f"the proof does not lead to the new root of size {new_size}")
