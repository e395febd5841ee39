"""Assessed results as skill evidence: the level a rubric criterion or a quiz proves.

**Rubric criterion** (aligned to a skill at level ``L``, the level the top of the rubric
shows): a criterion is *met* when the accepting review chose a level worth points (a level
worth 0 points is "not met"); a criterion without rubric levels, or an observation item
marked "met", is met at ``L``. With rubric levels the skill level follows the points reached:
``ceil(L × points ÷ best points)``, never below 1 — the top of the rubric gives ``L``.

**Quiz** (questions aligned to skills): only a *passed* attempt counts. A skill is shown when
at least :data:`QUIZ_SHARE` (80 %) of that skill's questions drawn in the attempt were answered
correctly; its level is the highest alignment level among those correct answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: share of a skill's questions (in one passed attempt) that must be right for the skill
QUIZ_SHARE = 0.8


def rubric_level(aligned: int, *, points: int | None, best_points: int | None) -> int | None:
    """The skill level a criterion proves (``None``: not met).

    ``points``/``best_points`` are ``None`` when the criterion has no rubric levels (met as a
    whole, at ``aligned``)."""
    if aligned < 1:
        return None
    if points is None or best_points is None or best_points <= 0:
        return aligned
    if points <= 0:
        return None
    return max(1, min(aligned, math.ceil(aligned * points / best_points - 1e-9)))


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """One drawn question of an attempt: the skills it is aligned to ({skill: level})."""

    skills: tuple[tuple[str, int], ...]
    correct: bool


def quiz_levels(
    answers: Iterable[AnsweredQuestion], *, passed: bool, share: float = QUIZ_SHARE
) -> dict[str, int]:
    """{skill: level} a quiz attempt proves (empty unless ``passed``)."""
    if not passed:
        return {}
    asked: dict[str, int] = {}
    right: dict[str, int] = {}
    best: dict[str, int] = {}
    for answer in answers:
        for skill, level in answer.skills:
            asked[skill] = asked.get(skill, 0) + 1
            if answer.correct:
                right[skill] = right.get(skill, 0) + 1
                best[skill] = max(best.get(skill, 0), level)
    return {
        skill: best[skill]
        for skill, count in asked.items()
        if right.get(skill, 0) >= share * count - 1e-9 and best.get(skill, 0) > 0
    }


__all__ = ["QUIZ_SHARE", "AnsweredQuestion", "quiz_levels", "rubric_level"]
