"""Award rules: facts in, a decision and a plain-language explanation out (pure, no Django).

A rule is a tree of conditions (:mod:`microcred.rules.conditions`); :func:`evaluate` decides it
for one person's facts; :func:`summarise` says it in one sentence (in English, or in the
language of the :class:`Wording` passed); :func:`rule_to_json` and :func:`rule_from_json`
store it; :mod:`microcred.rules.editing` changes it for a builder UI.
"""

from microcred.rules.conditions import (
    AllOf,
    AnyOf,
    AssessmentAccepted,
    AtLeast,
    Condition,
    CourseCompleted,
    CredentialHeld,
    CreditTarget,
    Group,
    InOrder,
    Leaf,
    QuizPassed,
    Within,
    leaves,
)
from microcred.rules.engine import CompiledRule, Decision, Explanation, evaluate
from microcred.rules.facts import (
    ASSESSMENT_ACCEPTED,
    COURSE_COMPLETED,
    CREDENTIAL_HELD,
    FACT_KINDS,
    QUIZ_COMPLETED,
    Fact,
)
from microcred.rules.index import FactIndex
from microcred.rules.serial import rule_from_json, rule_to_json
from microcred.rules.text import summarise
from microcred.rules.wording import ENGLISH, Wording

__all__ = [
    "ASSESSMENT_ACCEPTED",
    "COURSE_COMPLETED",
    "CREDENTIAL_HELD",
    "ENGLISH",
    "FACT_KINDS",
    "QUIZ_COMPLETED",
    "AllOf",
    "AnyOf",
    "AssessmentAccepted",
    "AtLeast",
    "CompiledRule",
    "Condition",
    "CourseCompleted",
    "CredentialHeld",
    "CreditTarget",
    "Decision",
    "Explanation",
    "Fact",
    "FactIndex",
    "Group",
    "InOrder",
    "Leaf",
    "QuizPassed",
    "Within",
    "Wording",
    "evaluate",
    "leaves",
    "rule_from_json",
    "rule_to_json",
    "summarise",
]
