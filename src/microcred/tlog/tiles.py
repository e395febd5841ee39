"""C2SP tlog-tiles: the log published as static, cacheable files.

Hash tiles ``tile/<L>/<N>`` hold up to 256 consecutive hashes of Merkle level ``8*L`` (hashes
``N*256 …``); entry bundles ``tile/entries/<N>`` hold up to 256 entries, each as a big-endian
uint16 length and the entry. ``N`` is written in groups of three digits, all but the last
prefixed with ``x`` (1234067 → ``x001/x234/067``); a partial tile of ``W`` < 256 items adds
``.p/<W>``. Full tiles never change; a partial tile is replaced by a wider one as the log grows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from microcred.tlog.errors import TileError
from microcred.tlog.merkle import HASH_SIZE, MerkleTree

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_ENTRY_SIZE = 0xFFFF


def encode_tile_index(index: int) -> str:
    if index < 0:
        raise TileError(f"tile index {index} is negative")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{group}" for group in groups[:-1]), groups[-1]])


def _suffix(width: int) -> str:
    if not 0 < width <= TILE_WIDTH:
        raise TileError(f"tile width {width} is outside 1…{TILE_WIDTH}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<level>/<index>[.p/<width>]``."""
    if not 0 <= level <= 63:
        raise TileError(f"tile level {level} is outside 0…63")
    return f"tile/{level}/{encode_tile_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<index>[.p/<width>]``."""
    return f"tile/entries/{encode_tile_index(index)}{_suffix(width)}"


@dataclass(frozen=True, slots=True)
class TileRef:
    """One tile: ``level`` is None for an entry bundle."""

    level: int | None
    index: int
    width: int

    @property
    def path(self) -> str:
        if self.level is None:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)

    @property
    def full_path(self) -> str:
        return TileRef(self.level, self.index, TILE_WIDTH).path


_PATH = re.compile(
    r"tile/(?P<level>entries|[0-9]|[1-5][0-9]|6[0-3])/"
    r"(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> TileRef:
    """The tile a path names; raises :class:`TileError` for anything else."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError(f"{path!r} is not a tile path")
    groups = match["index"].replace("x", "").split("/")
    if len(groups) > 1 and groups[0] == "000":
        raise TileError(f"{path!r} has a leading zero group")
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if match["width"] and width >= TILE_WIDTH:
        raise TileError(f"{path!r}: a partial tile is narrower than {TILE_WIDTH}")
    level = None if match["level"] == "entries" else int(match["level"])
    return TileRef(level=level, index=int("".join(groups)), width=width)


def hash_tiles_for_size(size: int) -> Iterator[TileRef]:
    """Every hash tile of a tree of ``size`` leaves, lowest level first."""
    level = 0
    while size >> (TILE_HEIGHT * level):
        nodes = size >> (TILE_HEIGHT * level)
        full, rest = divmod(nodes, TILE_WIDTH)
        for index in range(full):
            yield TileRef(level, index, TILE_WIDTH)
        if rest:
            yield TileRef(level, full, rest)
        level += 1


def entry_bundles_for_size(size: int) -> Iterator[TileRef]:
    full, rest = divmod(size, TILE_WIDTH)
    for index in range(full):
        yield TileRef(None, index, TILE_WIDTH)
    if rest:
        yield TileRef(None, full, rest)


def hash_tile(tree: MerkleTree, ref: TileRef) -> bytes:
    """The content of hash tile ``ref`` computed from ``tree``."""
    if ref.level is None:
        raise TileError("an entry bundle is not a hash tile")
    hashes = tree.level(TILE_HEIGHT * ref.level)
    start = ref.index * TILE_WIDTH
    if start + ref.width > len(hashes):
        raise TileError(f"{ref.path} is beyond the tree ({tree.size} leaves)")
    return b"".join(hashes[start : start + ref.width])


def split_hash_tile(data: bytes, ref: TileRef) -> list[bytes]:
    """The hashes of a fetched hash tile; a short or long tile is an error naming the path."""
    expected = ref.width * HASH_SIZE
    if len(data) < expected:
        raise TileError(f"{ref.path} is truncated: {len(data)} bytes, {expected} expected")
    if len(data) > expected:
        raise TileError(f"{ref.path} has {len(data) - expected} bytes too many")
    return [data[i : i + HASH_SIZE] for i in range(0, expected, HASH_SIZE)]


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries as a bundle: each a big-endian uint16 length, then its bytes."""
    parts: list[bytes] = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(f"an entry of {len(entry)} bytes does not fit a bundle")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def parse_entry_bundle(data: bytes, ref: TileRef) -> list[bytes]:
    """The entries of bundle ``ref``; fewer than ``ref.width`` entries is a truncated bundle.

    A full bundle fetched in place of a partial one holds more: the first ``width`` count.
    """
    entries: list[bytes] = []
    position, end = 0, len(data)
    while position < end and len(entries) < ref.width:
        if position + 2 > end:
            raise TileError(f"{ref.path} is truncated inside the length of entry {len(entries)}")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > end:
            raise TileError(f"{ref.path} is truncated inside entry {len(entries)}")
        entries.append(data[position : position + length])
        position += length
    if len(entries) < ref.width:
        raise TileError(f"{ref.path} is truncated: {len(entries)} entries, {ref.width} expected")
    return entries


def log_tiles(tree: MerkleTree, entries: Sequence[bytes]) -> dict[str, bytes]:
    """Every tile and entry bundle of ``tree`` (whose leaves are ``entries``), by path."""
    files = {ref.path: hash_tile(tree, ref) for ref in hash_tiles_for_size(tree.size)}
    for ref in entry_bundles_for_size(tree.size):
        start = ref.index * TILE_WIDTH
        files[ref.path] = entry_bundle(entries[start : start + ref.width])
    return files
