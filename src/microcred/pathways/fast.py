"""Progress of many learners at once: a pathway version compiled once into bit masks.

:func:`microcred.pathways.pathway_progress` explains one learner's map (times, "what is left");
a dashboard or a batch recomputation only needs each step's state, the credit and whether the
milestones and the goal are met. :class:`FastPathway` answers that from a learner's held
achievements as one integer (a bit per achievement, :class:`RefBits` shared by every pathway),
with the same meaning as the compiled rules (a property test checks it against
``pathway_progress``). Each held item counts at its frozen credit; a recognised credential's
own credit value (a fact's ``worth``, docs/decisions/0026) is given as ``worth`` (bit → the
best such value of the learner's): an item counts the best of its credit (when held as such)
and that value, once. Facts restricted to a step (``scope``) or with a value per system
(``worths``) are for ``pathway_progress`` (:func:`fast_inputs` refuses them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from microcred.pathways.definition import CREDIT, ELECTIVE, Pathway
from microcred.pathways.progress import AVAILABLE, DONE, IN_PROGRESS, LOCKED
from microcred.pathways.validation import check
from microcred.rules import CREDENTIAL_HELD, Fact


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

    def summary(self, held: int, worth: Mapping[int, float] | None = None) -> FastSummary:
        """The summary of a learner holding the achievements whose bits are set in ``held``
        (each at its item's credit) and those that ``worth`` maps (bit → own credit value)."""
        plain = held
        if worth:
            held = plain | _bits(worth)
        done: list[bool] = []
        credits: list[float] = []
        for step in self._steps:
            got = held & step.mask
            credit = 0.0
            if step.kind == CREDIT:
                if worth:
                    credit = _credit_with_worth(step, got, plain, worth)
                else:
                    credit = sum(value for bit, value in step.worth if got & bit)
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


def _bits(worth: Mapping[int, float]) -> int:
    out = 0
    for bit in worth:
        out |= bit
    return out


def _credit_with_worth(step: _Step, got: int, plain: int, worth: Mapping[int, float]) -> float:
    """Each item once: the best of its credit (held as such) and its recognised value."""
    total = 0.0
    for bit, base in step.worth:
        if got & bit:
            own = worth.get(bit)
            if own is None:
                total += base
            else:
                total += max(own, base) if plain & bit else own
    return total


def fast_inputs(bits: RefBits, facts: Iterable[Fact]) -> tuple[int, dict[int, float]]:
    """``held`` and ``worth`` for :meth:`FastPathway.summary` from a learner's credential facts:
    facts without a ``worth`` set their bit in ``held``; the others give the best ``worth`` per
    bit. Raises ValueError for a fact restricted to a step or with per-system values."""
    held = 0
    worth: dict[int, float] = {}
    for fact in facts:
        if fact.kind != CREDENTIAL_HELD:
            continue
        if fact.scope or fact.worths:
            raise ValueError("a fact with a scope or per-system worths needs pathway_progress")
        bit = bits.bit(fact.ref)
        if fact.worth is None:
            held |= bit
        else:
            worth[bit] = max(worth.get(bit, fact.worth), fact.worth)
    return held, worth
