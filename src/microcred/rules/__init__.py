"""Award rules: facts in, a decision and a plain-language explanation out (pure, no Django)."""

from microcred.rules.facts import (
    ASSESSMENT_ACCEPTED,
    COURSE_COMPLETED,
    CREDENTIAL_HELD,
    FACT_KINDS,
    QUIZ_COMPLETED,
    Fact,
)

__all__ = [
    "ASSESSMENT_ACCEPTED",
    "COURSE_COMPLETED",
    "CREDENTIAL_HELD",
    "FACT_KINDS",
    "QUIZ_COMPLETED",
    "Fact",
]
