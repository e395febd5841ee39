"""Errors of the transparency log core (all under :class:`microcred.errors.Error`)::

LogError                     anything wrong with a log artefact or proof
├── ProofError               an inclusion or consistency proof that does not verify
├── NoteError                a signed note that is malformed or not signed by a trusted key
├── CheckpointError          a checkpoint body that is not a C2SP tlog-checkpoint
├── TileError                a tile or entry bundle that is malformed or truncated
│   └── TileMissing          a tile the reader could not obtain
└── LogInconsistency         two views of one log that cannot both be true (a fork)
"""

from __future__ import annotations

from microcred.errors import Error


class LogError(Error):
    """A transparency log artefact or proof is unusable."""


class ProofError(LogError):
    """An inclusion or consistency proof does not verify."""


class NoteError(LogError):
    """A signed note is malformed, or no trusted key signed it."""


class CheckpointError(LogError):
    """A checkpoint body does not follow C2SP tlog-checkpoint."""


class TileError(LogError):
    """A tile or an entry bundle is malformed or shorter than it should be."""


class TileMissing(TileError):
    """A tile the reader could not obtain (absent from the folder, HTTP 404, …)."""


class LogInconsistency(LogError):
    """Two views of one log that cannot both be true: a fork or a rewritten history."""
