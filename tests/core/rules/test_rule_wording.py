"""Rule texts can come from another message table; English stays the default."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from microcred.rules import ENGLISH, AllOf, CourseCompleted, QuizPassed, Within, evaluate, summarise

RULE = AllOf((CourseCompleted("course:a", "Lifting"), QuizPassed("quiz:q", "Check", 80.5)))
SHOUTY = replace(
    ENGLISH,
    quote="«{label}»",
    and_="AND",
    decimal_point=",",
    all_of="ALL OF: {items}",
    todo_course="DO COURSE {label}",
    months=tuple(m.upper() for m in ENGLISH.months),
)


def test_summary_and_missing_texts_use_the_table_passed_in() -> None:
    assert summarise(RULE, SHOUTY) == "Complete ALL OF: «Lifting» AND «Check» with at least 80,5%"
    assert evaluate(RULE, [], SHOUTY).missing[0] == "DO COURSE «Lifting»"
    dated = Within(RULE, end=datetime(2026, 3, 9, tzinfo=UTC))
    assert summarise(dated, SHOUTY).endswith("by 9 MAR 2026")


def test_english_is_the_default_and_a_broken_template_falls_back_to_it() -> None:
    assert summarise(RULE) == summarise(RULE, ENGLISH)
    broken = replace(ENGLISH, todo_course="Suivre {titre}")  # wrong field name
    assert evaluate(RULE, [], broken).missing[0] == "Complete the course ‘Lifting’"
