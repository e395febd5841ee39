"""A person's skills profile, computed from their evidence rows (never typed in).

Precedence (ADR 0024): a skill's level comes from the strongest kind of evidence that is
currently in force (verified credential > assessed result > rating > peer endorsement >
self-assessment); among claims of that kind the highest level counts. A revoked source is
removed for good; a suspended one does not count while suspended; a claim past its
``valid_until`` has *lapsed*: when only lapsed claims remain the skill shows as lapsed, and a
new claim (recertification) restores it. Freshness halves every ``half_life_days`` of the
skill's group, counted from the newest claim that backs the shown level.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from microcred.skills.evidence import Evidence, EvidenceKind, SourceState

DEFAULT_HALF_LIFE_DAYS = 730.0


class Standing(enum.StrEnum):
    HELD = "held"
    LAPSED = "lapsed"


@dataclass(frozen=True, slots=True)
class SkillState:
    """One skill of a profile."""

    skill: str
    standing: Standing
    level: int
    kind: EvidenceKind
    verified: bool
    external: bool
    freshness: float  # 1.0 just shown, 0.5 after one half-life, …
    backing: tuple[Evidence, ...]  # the claims the level rests on, newest first
    trail: tuple[Evidence, ...]  # every row about the skill, newest first (revoked included)

    @property
    def held(self) -> bool:
        return self.standing is Standing.HELD


def _order(row: Evidence) -> tuple[datetime, int]:
    return (row.observed_at, row.sequence)


def current_claims(rows: Iterable[Evidence]) -> list[Evidence]:
    """The latest row of every (source, skill) still in force; revoked sources are dropped."""
    latest: dict[tuple[str, str], Evidence] = {}
    revoked: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.source, row.skill)
        if row.state is SourceState.REVOKED:
            revoked.add(key)
        known = latest.get(key)
        if known is None or (row.sequence, row.observed_at) >= (known.sequence, known.observed_at):
            latest[key] = row
    return [
        row for key, row in latest.items() if key not in revoked and row.state is SourceState.ACTIVE
    ]


def freshness(observed_at: datetime, now: datetime, half_life_days: float) -> float:
    """0.5 ** (age / half-life), 1.0 for a claim from the future or a zero half-life."""
    age_days = (now - observed_at).total_seconds() / 86_400
    if age_days <= 0 or half_life_days <= 0:
        return 1.0
    return float(0.5 ** (age_days / half_life_days))


def _best(claims: list[Evidence]) -> tuple[EvidenceKind, int, list[Evidence]]:
    kind = max(claim.kind for claim in claims)
    of_kind = [claim for claim in claims if claim.kind is kind]
    level = max(claim.level for claim in of_kind)
    backing = sorted((c for c in of_kind if c.level == level), key=_order, reverse=True)
    return kind, level, backing


def skill_state(
    skill: str, rows: list[Evidence], *, now: datetime, half_life_days: float
) -> SkillState | None:
    """The state of one skill from its rows, or None when nothing is left in force."""
    claims = current_claims(rows)
    live = [c for c in claims if c.valid_until is None or c.valid_until > now]
    lapsed = [c for c in claims if c.valid_until is not None and c.valid_until <= now]
    if not live and not lapsed:
        return None
    standing = Standing.HELD if live else Standing.LAPSED
    kind, level, backing = _best(live or lapsed)
    return SkillState(
        skill=skill,
        standing=standing,
        level=level,
        kind=kind,
        verified=standing is Standing.HELD and kind is EvidenceKind.VERIFIED_CREDENTIAL,
        external=all(c.external for c in backing),
        freshness=freshness(backing[0].observed_at, now, half_life_days),
        backing=tuple(backing),
        trail=tuple(sorted(rows, key=_order, reverse=True)),
    )


def compute_profile(
    rows: Iterable[Evidence],
    *,
    now: datetime,
    half_life_days: Mapping[str, float] | Callable[[str], float] | None = None,
) -> dict[str, SkillState]:
    """{skill: state} for every skill with a claim in force (held) or lapsed.

    ``half_life_days``: per skill (a mapping, or a function of the skill, e.g. looking up the
    skill's group); skills not named use :data:`DEFAULT_HALF_LIFE_DAYS`.
    """
    by_skill: dict[str, list[Evidence]] = {}
    for row in rows:
        by_skill.setdefault(row.skill, []).append(row)

    def half_life(skill: str) -> float:
        if half_life_days is None:
            return DEFAULT_HALF_LIFE_DAYS
        if callable(half_life_days):
            return half_life_days(skill)
        return half_life_days.get(skill, DEFAULT_HALF_LIFE_DAYS)

    profile: dict[str, SkillState] = {}
    for skill, skill_rows in by_skill.items():
        state = skill_state(skill, skill_rows, now=now, half_life_days=half_life(skill))
        if state is not None:
            profile[skill] = state
    return profile


def held_levels(profile: Mapping[str, SkillState]) -> dict[str, int]:
    """{skill: level} of the skills currently held (lapsed ones count as not held)."""
    return {skill: state.level for skill, state in profile.items() if state.held}


__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "SkillState",
    "Standing",
    "compute_profile",
    "current_claims",
    "freshness",
    "held_levels",
    "skill_state",
]
