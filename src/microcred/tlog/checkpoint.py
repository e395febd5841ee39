"""C2SP tlog-checkpoint: the signed note body ``origin\\nsize\\nbase64(root)\\n[extensions]``."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from microcred.tlog.errors import CheckpointError
from microcred.tlog.merkle import HASH_SIZE
from microcred.tlog.note import NoteSigner, NoteVerifier, open_note


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's tree head: who (origin), how many entries (size), which tree (root hash)."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Read a checkpoint body strictly; each problem names the line at fault."""
        if not body.endswith("\n"):
            raise CheckpointError("a checkpoint ends with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("a checkpoint has an origin, a tree size and a root hash line")
        origin, size_text, root_text, *extensions = lines
        if not origin.strip() or origin != origin.strip():
            raise CheckpointError("line 1 (origin) is empty or padded with spaces")
        if (
            not size_text.isascii()
            or not size_text.isdigit()
            or (size_text != "0" and size_text[0] == "0")
        ):
            raise CheckpointError(f"line 2 (tree size) {size_text!r} is not a decimal number")
        size = int(size_text)
        if size >= 1 << 63:
            raise CheckpointError("line 2 (tree size) is too large")
        try:
            root = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CheckpointError("line 3 (root hash) is not standard base64") from exc
        if len(root) != HASH_SIZE:
            raise CheckpointError(f"line 3 (root hash) holds {len(root)} bytes, not {HASH_SIZE}")
        if any(not line for line in extensions):
            raise CheckpointError("an extension line is empty")
        return cls(origin=origin, size=size, root_hash=root, extensions=tuple(extensions))


def checkpoint_sign(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a signed note (the signer's name should be the origin)."""
    return signer.sign(checkpoint.body())


def checkpoint_open(
    note: str | bytes, verifier: NoteVerifier, *, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint with the log's key and return it.

    ``origin`` (default: the key's name) must be the checkpoint's first line.
    """
    opened = open_note(note, [verifier])
    checkpoint = Checkpoint.parse(opened.text)
    wanted = origin or verifier.name
    if checkpoint.origin != wanted:
        raise CheckpointError(f"the checkpoint is for log {checkpoint.origin!r}, not {wanted!r}")
    return checkpoint
