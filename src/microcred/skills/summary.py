"""The fast path of :func:`microcred.skills.profile.compute_profile` for matrices: per skill only
the standing, level, verified and external marks (no trail, no freshness), from plain tuples.

Same rules, same answers (property-tested against ``compute_profile``): per (source, skill) the
latest row counts and a revocation is final; suspended sources do not count; claims past
``valid_until`` have lapsed; the strongest kind of live evidence sets the level (its highest).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple, TypeVar

K = TypeVar("K")

VERIFIED_KIND = 5  # EvidenceKind.VERIFIED_CREDENTIAL

#: (skill, kind, level, source, observed_at, sequence, state, valid_until, external)
Row = tuple[K, int, int, str, datetime, int, str, datetime | None, bool]


class Holding(NamedTuple):
    """A tuple (not a dataclass): a matrix makes 100,000 of them."""

    level: int
    held: bool  # False: only lapsed claims are left
    verified: bool
    external: bool


def summarise(rows: Iterable[Row[K]], *, now: datetime) -> dict[K, Holding]:
    """{skill: holding} for every skill with a claim in force or lapsed."""
    latest: dict[tuple[str, K], Row[K]] = {}
    revoked: set[tuple[str, K]] = set()
    for row in rows:
        key = (row[3], row[0])
        if row[6] == "revoked":
            revoked.add(key)
        known = latest.get(key)
        if known is None or (row[5], row[4]) >= (known[5], known[4]):
            latest[key] = row
    # per skill: (live?, kind, level, all external) of the best claims so far
    best: dict[K, tuple[bool, int, int, bool]] = {}
    for key, row in latest.items():
        if key in revoked or row[6] != "active":
            continue
        live = row[7] is None or row[7] > now
        so_far = best.get(row[0])
        rank = (live, row[1], row[2])
        if so_far is None or rank > so_far[:3]:
            best[row[0]] = (*rank, bool(row[8]))
        elif rank == so_far[:3]:
            best[row[0]] = (*rank, so_far[3] and bool(row[8]))
    return {
        skill: Holding(level, live, live and kind == VERIFIED_KIND, external)
        for skill, (live, kind, level, external) in best.items()
    }


__all__ = ["Holding", "Row", "summarise"]
