"""Evidence of a skill: one append-only row per claim or change of a claim's source.

A *source* is what makes the claim (an issued credential, an imported credential, an assessment
result, a rating, an endorsement, a self-assessment), named by a stable ``source`` string such as
``credential:<uuid>``. A change to the source (revoked, suspended, re-activated) is a new row
for the same source and skill; the latest row of a source is its current state, except that a
revocation is final.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class EvidenceKind(enum.IntEnum):
    """What backs a claim, weakest first: the value is its precedence (ADR 0024)."""

    SELF_ASSESSMENT = 1
    PEER_ENDORSEMENT = 2
    RATING = 3  # by an assessor or the person's manager
    ASSESSED_RESULT = 4
    VERIFIED_CREDENTIAL = 5


class SourceState(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One row. ``level`` is already on the organisation's scale (see ``scales.map_level``).

    ``observed_at``: when the skill was shown (issue date, assessment date, rating date);
    ``valid_until``: after it the claim has *lapsed* (an expired credential);
    ``sequence``: the row's position in the append-only log (ties on time are broken by it);
    ``external``: the credential came from another issuer (imported into the wallet).
    """

    skill: str
    kind: EvidenceKind
    level: int
    source: str
    observed_at: datetime
    sequence: int = 0
    state: SourceState = SourceState.ACTIVE
    valid_until: datetime | None = None
    external: bool = False
    note: str = ""

    @property
    def verified(self) -> bool:
        """Only a verified credential makes a claim *verified*."""
        return self.kind is EvidenceKind.VERIFIED_CREDENTIAL


__all__ = ["Evidence", "EvidenceKind", "SourceState"]
