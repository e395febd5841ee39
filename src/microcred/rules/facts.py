"""Facts: what a person has done, as the award-rule engine sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: fact kinds the engine knows (the web layer produces them)
COURSE_COMPLETED = "course_completed"
QUIZ_COMPLETED = "quiz_completed"
CREDENTIAL_HELD = "credential_held"
ASSESSMENT_ACCEPTED = "assessment_accepted"

FACT_KINDS = frozenset({COURSE_COMPLETED, QUIZ_COMPLETED, CREDENTIAL_HELD, ASSESSMENT_ACCEPTED})


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a person did.

    ``ref`` names the thing (``"course:<uuid>"``, ``"quiz:<uuid>"``, ``"achievement:<uuid>"``);
    ``at`` is when it happened (timezone-aware); ``score`` is 0–100 for quizzes and assessments;
    ``credits`` is what the thing carries toward a credit target; ``worth``, when set, replaces
    the ``worth`` of a ``credential_held`` condition that has one (a pathway credit step): a
    credential recognised for its own credit value (docs/decisions/0026). ``worths`` states
    that value per credit system (it wins over ``worth`` in a condition of that ``system``).
    ``scope``, when set, limits the fact to ``credential_held`` conditions of that scope (a
    recognition restricted to one pathway step); an unscoped fact counts everywhere.
    """

    kind: str
    ref: str
    at: datetime
    score: float | None = None
    credits: float = 0.0
    worth: float | None = None
    worths: tuple[tuple[str, float], ...] = ()
    scope: str = ""
