"""Progress of many learners at once: a pathway version compiled once into bit masks.

:func:`microcred.pathways.pathway_progress` explains one learner's map (times, "what is left");
a dashboard or a batch recomputation only needs each step's state, the credit and whether the
milestones and the goal are met. :class:`FastPathway` answers that from a learner's held
achievements as one integer (a bit per achievement, :class:`RefBits` shared by every pathway),
with the same meaning as the compiled rules (a property test checks it against
``pathway_progress``). It counts each item at its frozen credit: a recognised credential's
own credit value (a fact's ``worth``, docs/decisions/0026) is for ``pathway_progress`` and the
award rules; a caller with such facts must use those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from microcred.pathways.definition import CREDIT, ELECTIVE, Pathway
from microcred.pathways.progress import AVAILABLE, DONE, IN_PROGRESS, LOCKED
from microcred.pathways.validation import check


class RefBits:
    """Achievement ref → bit position, growing as new refs are seen."""

    def __init__(self) -> None:
        self.bits: dict[str, int] = {}

    def bit(self, ref: str) -> int:
        position = self.bits.get(ref)
        if position is None:
            position = self.bits[ref] = len(self.bits)
        return 1 << position

    def mask(self, refs: Iterable[str]) -> int:
        out = 0
        for ref in refs:
            out |= self.bit(ref)
        return out


@dataclass(frozen=True, slots=True)
class FastSummary:
    states: tuple[str, ...]  # per step, in the pathway's order
    credits: tuple[float, ...]  # per step: credit so far (credit steps), else 0
    milestones: tuple[bool, ...]
    completed: bool

    @property
    def steps_done(self) -> int:
        return self.states.count(DONE)


@dataclass(frozen=True, slots=True)
class _Step:
    kind: str
    mask: int
    n: int
    target: float
    worth: tuple[tuple[int, float], ...]  # (bit, credit in the step's system)
    requires: tuple[int, ...]  # positions of the steps to finish first


class FastPathway:
    """One valid pathway version, compiled once; :meth:`summary` per learner."""

    def __init__(self, pathway: Pathway, bits: RefBits) -> None:
        check(pathway)
        self.pathway = pathway
        self.mask = bits.mask(item.ref for item in pathway.items())
        position = {step.id: i for i, step in enumerate(pathway.steps)}
        self._steps = tuple(
            _Step(
                step.kind,
                bits.mask(item.ref for item in step.items),
                step.n,
                step.target,
                tuple((bits.bit(item.ref), item.credit_in(step.system)) for item in step.items),
                tuple(position[r] for r in step.requires),
            )
            for step in pathway.steps
        )
        self._milestones = tuple(
            tuple(position[s] for s in milestone.after) for milestone in pathway.milestones
        )

    def summary(self, held: int) -> FastSummary:
        """The summary of a learner holding the achievements whose bits are set in ``held``."""
        done: list[bool] = []
        credits: list[float] = []
        for step in self._steps:
            got = held & step.mask
            credit = 0.0
            if step.kind == CREDIT:
                credit = sum(worth for bit, worth in step.worth if got & bit)
                done.append(credit >= step.target > 0)
            elif step.kind == ELECTIVE:
                done.append(got.bit_count() >= step.n)
            else:
                done.append(got == step.mask)
            credits.append(credit)
        states = []
        for step, is_done in zip(self._steps, done, strict=True):
            if is_done:
                states.append(DONE)
            elif held & step.mask:
                states.append(IN_PROGRESS)
            elif any(not done[r] for r in step.requires):
                states.append(LOCKED)
            else:
                states.append(AVAILABLE)
        return FastSummary(
            tuple(states),
            tuple(credits),
            tuple(all(done[s] for s in after) for after in self._milestones),
            all(done),
        )
