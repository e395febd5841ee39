"""What to learn next: courses, assessments and credentials ranked by the role gap they close.

An :class:`Offer` is something a person can do (take a course, be assessed, earn a
credential) with the skill levels it leads to (the alignments of the achievements it earns).
Against a person's role gaps (current and target roles), an offer *closes* gap weight: per
role and required skill, ``weight × (min(given, required) − held) ÷ required`` when it gives
more than the person holds. Offers are ranked by the weight they close (most first), then the
earliest due date, then the least effort, then title; an offer that closes nothing is not
recommended, and a dismissed offer is never shown.

Dismissals with a reason lower related offers (:class:`Dismissal`, :func:`dismissal_factor`):
"already know it" halves an offer whose closed weight is mostly (≥ 50 %) on the skills of the
offers dismissed for that reason, "not relevant" multiplies it by 0.7 on the same test, "too
long" halves offers at least as long as the shortest one dismissed for that reason; "other"
changes nothing. The rank uses the lowered *score*; ``closes`` stays the true gap weight.

The same arithmetic serves a training-needs analysis (what closes most gap weight for most
people) and career paths (the fewest steps, greedily, that close a target role's gap).
"""

from __future__ import annotations

import enum
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
    #: ``closes`` lowered by the person's dismissals (what the ranking uses)
    score: float | None = None
    #: the dismissal reasons that lowered it
    lowered_by: tuple[str, ...] = field(default=())

    @property
    def rank_score(self) -> float:
        return self.closes if self.score is None else self.score


class DismissReason(enum.StrEnum):
    HAVE_IT = "have_it"  # already know it
    NOT_RELEVANT = "not_relevant"
    NO_TIME = "no_time"  # too long
    OTHER = "other"


#: how much an offer related to a dismissal keeps of its score
FACTORS = {DismissReason.HAVE_IT: 0.5, DismissReason.NOT_RELEVANT: 0.7, DismissReason.NO_TIME: 0.5}
MOSTLY = 0.5


@dataclass(frozen=True, slots=True)
class Dismissal:
    """An offer the person set aside, and why (its ``gives`` and effort are the offer's)."""

    key: str
    reason: str
    gives: Mapping[str, int] = field(default_factory=dict)
    effort_hours: float | None = None


def dismissal_factor(
    reasons: Iterable[Reason], offer: Offer, dismissals: Iterable[Dismissal]
) -> tuple[float, tuple[str, ...]]:
    """(factor ≤ 1, the reasons applied) for an offer closing ``reasons``."""
    closes: dict[str, float] = {}
    for reason in reasons:
        closes[reason.skill] = closes.get(reason.skill, 0.0) + reason.closes
    total = sum(closes.values())
    factor, applied = 1.0, []
    rows = list(dismissals)
    for why in (DismissReason.HAVE_IT, DismissReason.NOT_RELEVANT):
        skills = {s for d in rows if d.reason == why for s in d.gives}
        if skills and total > 0:
            on_them = sum(w for s, w in closes.items() if s in skills)
            if on_them / total >= MOSTLY:
                factor *= FACTORS[why]
                applied.append(why.value)
    efforts = [
        d.effort_hours
        for d in rows
        if d.reason == DismissReason.NO_TIME and d.effort_hours is not None
    ]
    if efforts and offer.effort_hours is not None and offer.effort_hours >= min(efforts):
        factor *= FACTORS[DismissReason.NO_TIME]
        applied.append(DismissReason.NO_TIME.value)
    return factor, tuple(applied)


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
        -round(rec.rank_score, 9),
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
    dismissals: Iterable[Dismissal] = (),
    limit: int | None = None,
) -> list[Recommendation]:
    """Offers that close some gap weight, best first; ``dismissed`` keys (and those of
    ``dismissals``) are left out, and ``dismissals`` lower related offers."""
    roles = list(needs)
    feedback = list(dismissals)
    hidden = set(dismissed) | {d.key for d in feedback}
    found = []
    for offer in offers:
        if offer.key in hidden:
            continue
        reasons = reasons_for(offer, roles)
        closes = sum(r.closes for r in reasons)
        if closes > 0:
            reasons.sort(key=lambda r: (-r.closes, r.role, r.skill))
            factor, applied = dismissal_factor(reasons, offer, feedback)
            found.append(Recommendation(offer, closes, tuple(reasons), closes * factor, applied))
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
    "DismissReason",
    "Dismissal",
    "Need",
    "Offer",
    "Reason",
    "Recommendation",
    "RoleNeed",
    "Step",
    "career_path",
    "closest",
    "dismissal_factor",
    "reasons_for",
    "recommend",
    "training_needs",
]
