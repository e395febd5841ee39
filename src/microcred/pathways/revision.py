"""What moving a learner from one version of a pathway to another does to their progress.

Computed with :func:`microcred.pathways.pathway_progress` on the learner's current facts for
both versions, so the preview an admin reads is what the map will show after the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from microcred.pathways.definition import Pathway
from microcred.pathways.progress import DONE, PathwayProgress, pathway_progress
from microcred.rules import FactIndex

GAINS = "gains"
LOSES = "loses"
SAME = "same"


def share_done(progress: PathwayProgress) -> Fraction:
    """The share of steps done (1 when the pathway is completed)."""
    if progress.completed or not progress.steps:
        return Fraction(1)
    return Fraction(sum(1 for s in progress.steps if s.state == DONE), len(progress.steps))


@dataclass(frozen=True, slots=True)
class Change:
    before: PathwayProgress
    after: PathwayProgress
    verdict: str  # GAINS, LOSES or SAME

    @staticmethod
    def steps_done(progress: PathwayProgress) -> tuple[int, int]:
        return sum(1 for s in progress.steps if s.state == DONE), len(progress.steps)


def progress_change(old: Pathway, new: Pathway, facts: FactIndex) -> Change:
    """``facts``' progress on ``old`` and on ``new``: a learner gains when the new version
    completes them or a larger share of its steps is done, loses in the opposite case."""
    before = pathway_progress(old, facts)
    after = pathway_progress(new, facts)
    key_before = (before.completed, share_done(before))
    key_after = (after.completed, share_done(after))
    verdict = GAINS if key_after > key_before else LOSES if key_after < key_before else SAME
    return Change(before, after, verdict)
