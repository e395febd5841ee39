"""Gaps between what a person holds and what a role requires.

Each required skill has a level and a weight. Its *gap weight* is the weight times the missing
fraction of the required level (0 when held at or above it, the full weight when not held at
all). A role's match is ``100 × (1 − gap weight ÷ total weight)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from microcred.errors import InvalidInput, Problem


@dataclass(frozen=True, slots=True)
class Requirement:
    skill: str
    level: int
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.level < 1:
            raise InvalidInput("Bad requirement", [Problem("$.level", "must be 1 or more")])
        if not self.weight > 0:
            raise InvalidInput("Bad requirement", [Problem("$.weight", "must be above 0")])


@dataclass(frozen=True, slots=True)
class SkillGap:
    skill: str
    required: int
    held: int  # 0 when not held
    weight: float

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.held)

    @property
    def gap_weight(self) -> float:
        return self.weight * self.shortfall / self.required

    @property
    def met(self) -> bool:
        return self.shortfall == 0


@dataclass(frozen=True, slots=True)
class RoleGap:
    items: tuple[SkillGap, ...]  # largest gap weight first, then skill

    @property
    def total_weight(self) -> float:
        return sum(item.weight for item in self.items)

    @property
    def gap_weight(self) -> float:
        return sum(item.gap_weight for item in self.items)

    @property
    def match_percent(self) -> float:
        """100 when every requirement is met (and for a role with no requirements)."""
        total = self.total_weight
        if total == 0:
            return 100.0
        return round(100.0 * max(0.0, 1.0 - self.gap_weight / total), 1)

    @property
    def missing(self) -> tuple[SkillGap, ...]:
        return tuple(item for item in self.items if not item.met)


def role_gap(held: Mapping[str, int], requirements: Iterable[Requirement]) -> RoleGap:
    """The gap of a person holding ``held`` ({skill: level}) against ``requirements``."""
    items = [
        SkillGap(r.skill, r.level, max(0, held.get(r.skill, 0)), r.weight) for r in requirements
    ]
    items.sort(key=lambda item: (-item.gap_weight, item.skill))
    return RoleGap(tuple(items))


__all__ = ["Requirement", "RoleGap", "SkillGap", "role_gap"]
