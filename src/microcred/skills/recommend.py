"""What to learn next: courses, assessments and credentials ranked by the role gap they close.

An :class:`Offer` is something a person can do (take a course, be assessed, earn a
credential) with the skill levels it leads to (the alignments of the achievements it earns).
Against a person's role gaps (current and target roles), an offer *closes* gap weight: per
role and required skill, ``weight × (min(given, required) − held) ÷ required`` when it gives
more than the person holds. Offers are ranked by the weight they close (most first), then the
earliest due date, then the least effort, then title; an offer that closes nothing is not
recommended, and a dismissed offer is never shown.

The same arithmetic serves a training-needs analysis (what closes most gap weight for most
people) and career paths (the fewest steps, greedily, that close a target role's gap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from microcred.skills.gaps import Requirement, RoleGap, role_gap

KINDS = ("course", "assessment", "credential")


@dataclass(frozen=True, slots=True)
class Offer:
    """``key`` is unique and stable (``course:<id>``); ``gives`` is {skill: level}."""

    key: str
    kind: str
    title: str
    gives: Mapping[str, int]
    due: date | None = None
    effort_hours: float | None = None


@dataclass(frozen=True, slots=True)
class RoleNeed:
    """A named role's gap for one person (``role`` is the role's name, shown in reasons)."""

    role: str
    gap: RoleGap
    is_current: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    role: str
    skill: str
    required: int
    held: int  # 0: not held
    gives: int
    closes: float


@dataclass(frozen=True, slots=True)
class Recommendation:
    offer: Offer
    closes: float
    reasons: tuple[Reason, ...] = field(default=())


def reasons_for(offer: Offer, needs: Iterable[RoleNeed]) -> list[Reason]:
    """Each required skill, per role, that ``offer`` raises towards its required level."""
    out = []
    for need in needs:
        for item in need.gap.missing:
            given = offer.gives.get(item.skill, 0)
            if given <= item.held:
                continue
            closes = item.weight * (min(given, item.required) - item.held) / item.required
            out.append(Reason(need.role, item.skill, item.required, item.held, given, closes))
    return out


def _rank_key(rec: Recommendation) -> tuple[float, int, date, float, str, str]:
    offer = rec.offer
    return (
        -round(rec.closes, 9),
        offer.due is None,
        offer.due or date.max,
        offer.effort_hours if offer.effort_hours is not None else float("inf"),
        offer.title.casefold(),
        offer.key,
    )


def recommend(
    needs: Iterable[RoleNeed],
    offers: Iterable[Offer],
    *,
    dismissed: Iterable[str] = (),
    limit: int | None = None,
) -> list[Recommendation]:
    """Offers that close some gap weight, best first; ``dismissed`` keys are left out."""
    roles = list(needs)
    hidden = set(dismissed)
    found = []
    for offer in offers:
        if offer.key in hidden:
            continue
        reasons = reasons_for(offer, roles)
        closes = sum(r.closes for r in reasons)
        if closes > 0:
            reasons.sort(key=lambda r: (-r.closes, r.role, r.skill))
            found.append(Recommendation(offer, closes, tuple(reasons)))
    found.sort(key=_rank_key)
    return found if limit is None else found[:limit]


# --------------------------------------------------------------------------- many people


@dataclass(frozen=True, slots=True)
class Need:
    """A training need: an offer, how many people it helps and the gap weight it closes."""

    offer: Offer
    people: int
    closes: float
    skills: tuple[str, ...]


def training_needs(people: Mapping[str, Iterable[RoleNeed]], offers: Iterable[Offer]) -> list[Need]:
    """Offers by total gap weight closed across ``people`` ({person: their role needs}), then
    by how many people they help; offers that help nobody are left out."""
    needs = {person: list(roles) for person, roles in people.items()}
    out = []
    for offer in offers:
        helped = 0
        total = 0.0
        skills: set[str] = set()
        for roles in needs.values():
            reasons = reasons_for(offer, roles)
            if reasons:
                helped += 1
                total += sum(r.closes for r in reasons)
                skills.update(r.skill for r in reasons)
        if helped:
            out.append(Need(offer, helped, total, tuple(sorted(skills))))
    out.sort(key=lambda n: (-round(n.closes, 9), -n.people, n.offer.title.casefold(), n.offer.key))
    return out


# --------------------------------------------------------------------------- career paths


@dataclass(frozen=True, slots=True)
class Step:
    offer: Offer
    reasons: tuple[Reason, ...]
    match_after: float  # the role match once this step (and the ones before) are done


@dataclass(frozen=True, slots=True)
class CareerPath:
    role: str
    gap: RoleGap  # where the person stands now
    steps: tuple[Step, ...]
    uncovered: tuple[str, ...]  # missing skills no offer raises to the required level

    @property
    def match_percent(self) -> float:
        return self.gap.match_percent


def career_path(
    role: str,
    held: Mapping[str, int],
    requirements: Iterable[Requirement],
    offers: Iterable[Offer],
    *,
    max_steps: int = 10,
) -> CareerPath:
    """From ``held`` to the role: repeatedly take the offer that closes the most of what is
    still missing (ties as in :func:`recommend`), until nothing more closes."""
    reqs = list(requirements)
    start = role_gap(held, reqs)
    levels = dict(held)
    pool = list(offers)
    steps: list[Step] = []
    while len(steps) < max_steps:
        need = RoleNeed(role, role_gap(levels, reqs))
        ranked = recommend([need], pool, limit=1)
        if not ranked:
            break
        best = ranked[0]
        pool = [o for o in pool if o.key != best.offer.key]
        for skill, level in best.offer.gives.items():
            levels[skill] = max(levels.get(skill, 0), level)
        steps.append(Step(best.offer, best.reasons, role_gap(levels, reqs).match_percent))
    uncovered = tuple(item.skill for item in role_gap(levels, reqs).missing)
    return CareerPath(role, start, tuple(steps), uncovered)


def closest(
    people: Mapping[str, Mapping[str, int]], requirements: Iterable[Requirement]
) -> list[tuple[str, RoleGap]]:
    """People by their match to a role, closest first (internal mobility)."""
    reqs = list(requirements)
    ranked = [(person, role_gap(held, reqs)) for person, held in people.items()]
    ranked.sort(key=lambda row: (-row[1].match_percent, row[1].gap_weight, row[0]))
    return ranked


__all__ = [
    "KINDS",
    "CareerPath",
    "Need",
    "Offer",
    "Reason",
    "Recommendation",
    "RoleNeed",
    "Step",
    "career_path",
    "closest",
    "reasons_for",
    "recommend",
    "training_needs",
]
