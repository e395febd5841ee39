"""The award-rule engine: each combinator, nesting, order and time windows, stacking, the texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from microcred.rules import (
    ASSESSMENT_ACCEPTED,
    COURSE_COMPLETED,
    CREDENTIAL_HELD,
    QUIZ_COMPLETED,
    AllOf,
    AnyOf,
    AssessmentAccepted,
    AtLeast,
    CompiledRule,
    CourseCompleted,
    CredentialHeld,
    CreditTarget,
    Fact,
    FactIndex,
    InOrder,
    QuizPassed,
    Within,
    evaluate,
    summarise,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

A = CourseCompleted("course:a", "Safe lifting")
B = CourseCompleted("course:b", "Racking")
C = CourseCompleted("course:c", "Loading bay")
D = CourseCompleted("course:d", "First aid")
QUIZ = QuizPassed("quiz:f", "Forklift quiz", 80)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def done(ref: str, at: float, credits: float = 0.0) -> Fact:
    return Fact(COURSE_COMPLETED, ref, day(at), credits=credits)


def quiz(ref: str, at: float, score: float) -> Fact:
    return Fact(QUIZ_COMPLETED, ref, day(at), score=score)


# ----------------------------------------------------------------------------- leaves


def test_course_leaf_is_met_by_a_completion_and_names_the_course_when_missing() -> None:
    missing = evaluate(A, [done("course:b", 1)])
    assert not missing.earned and missing.earned_at is None
    assert missing.missing == ["Complete the course ‘Safe lifting’"]
    assert missing.progress == 0.0
    met = evaluate(A, [done("course:a", 2), done("course:a", 1)])
    assert met.earned and met.earned_at == day(1) and met.missing == [] and met.progress == 1.0
    assert met.explanation.text == "Completed the course ‘Safe lifting’"


def test_quiz_needs_the_minimum_score_and_reports_the_best_so_far() -> None:
    decision = evaluate(QUIZ, [quiz("quiz:f", 1, 65), quiz("quiz:f", 2, 40)])
    assert not decision.earned
    assert decision.missing == ["Score at least 80% in ‘Forklift quiz’ (best so far 65%)"]
    assert evaluate(QUIZ, []).missing == ["Score at least 80% in ‘Forklift quiz’"]
    passed = evaluate(QUIZ, [quiz("quiz:f", 1, 65), quiz("quiz:f", 3, 80), quiz("quiz:f", 4, 95)])
    assert passed.earned and passed.earned_at == day(3)
    assert "Scored 95%" in passed.explanation.text


def test_a_quiz_fact_does_not_satisfy_a_course_with_the_same_ref() -> None:
    assert not evaluate(CourseCompleted("x", "X"), [quiz("x", 1, 100)]).earned


def test_assessment_and_credential_leaves() -> None:
    assessed = AssessmentAccepted("assessment:1", "Observed lift")
    fact = Fact(ASSESSMENT_ACCEPTED, "assessment:1", day(1), score=90)
    assert evaluate(assessed, [fact]).earned
    assert evaluate(assessed, []).missing == ["Have the assessment ‘Observed lift’ accepted"]
    held = CredentialHeld("achievement:42", "Forklift operator")
    assert evaluate(held, []).missing == ["Earn the credential ‘Forklift operator’"]


# ----------------------------------------------------------------------------- combinators


def test_all_of_is_met_when_the_last_child_is_met_and_lists_every_open_child() -> None:
    rule = AllOf((A, B, C))
    partial = evaluate(rule, [done("course:b", 2)])
    assert partial.missing == [
        "Complete the course ‘Safe lifting’",
        "Complete the course ‘Loading bay’",
    ]
    assert abs(partial.progress - 1 / 3) < 1e-9
    full = evaluate(rule, [done("course:b", 2), done("course:a", 5), done("course:c", 3)])
    assert full.earned and full.earned_at == day(5)


def test_any_of_is_met_by_the_first_child_met() -> None:
    rule = AnyOf((A, B))
    assert evaluate(rule, []).missing == ["Complete one of: ‘Safe lifting’, ‘Racking’"]
    decision = evaluate(rule, [done("course:b", 4), done("course:a", 6)])
    assert decision.earned and decision.earned_at == day(4)


def test_at_least_n_counts_children_and_says_how_many_more() -> None:
    rule = AtLeast(2, (A, B, C, D))
    one = evaluate(rule, [done("course:c", 1)])
    assert one.missing == ["1 more of: ‘Safe lifting’, ‘Racking’, ‘First aid’"]
    assert one.progress == 0.5
    two = evaluate(rule, [done("course:c", 1), done("course:d", 7), done("course:a", 3)])
    assert two.earned and two.earned_at == day(3)  # the 2nd child met, not the last


def test_at_least_lists_the_open_children_themselves_when_all_are_needed() -> None:
    rule = AtLeast(2, (A, B))
    assert evaluate(rule, []).missing == [
        "Complete the course ‘Safe lifting’",
        "Complete the course ‘Racking’",
    ]


def test_credit_target_sums_the_credits_of_the_satisfied_children() -> None:
    rule = CreditTarget(30, (A, B, C))
    partial = evaluate(rule, [done("course:a", 1, credits=10), done("course:b", 2, credits=8)])
    assert not partial.earned
    assert partial.missing == ["12 more credits from: ‘Loading bay’"]
    assert abs(partial.progress - 18 / 30) < 1e-9
    facts = [done("course:a", 1, 10), done("course:b", 2, 8), done("course:c", 5, 15)]
    full = evaluate(rule, facts)
    assert full.earned and full.earned_at == day(5)
    early = evaluate(
        rule, [done("course:a", 1, 20), done("course:b", 2, 12), done("course:c", 9, 1)]
    )
    assert early.earned_at == day(2)  # the target was reached before the last course


def test_credit_target_with_every_child_done_but_too_few_credits() -> None:
    decision = evaluate(CreditTarget(30, (A,)), [done("course:a", 1, 18)])
    assert decision.missing == ["12 more credits"]


def test_in_order_needs_each_step_after_the_one_before() -> None:
    rule = InOrder((A, QUIZ))
    in_order = evaluate(rule, [done("course:a", 1), quiz("quiz:f", 2, 90)])
    assert in_order.earned and in_order.earned_at == day(2)
    wrong = evaluate(rule, [quiz("quiz:f", 1, 90), done("course:a", 2)])
    assert not wrong.earned
    assert wrong.missing == [
        "Complete ‘Forklift quiz’ with at least 80% again after ‘Safe lifting’ (order matters)"
    ]
    redone = [quiz("quiz:f", 1, 90), done("course:a", 2), quiz("quiz:f", 3, 85)]
    assert evaluate(rule, redone).earned_at == day(3)


def test_in_order_uses_the_earliest_witness_of_each_step() -> None:
    rule = InOrder((A, B, C))
    facts = [done("course:a", 5), done("course:a", 1), done("course:b", 3), done("course:c", 4)]
    assert evaluate(rule, facts).earned_at == day(4)


def test_within_days_looks_for_any_window_that_fits() -> None:
    rule = Within(AllOf((A, B)), days=30)
    too_slow = evaluate(rule, [done("course:a", 0), done("course:b", 45)])
    assert not too_slow.earned
    assert too_slow.missing == [
        "Complete all of: ‘Safe lifting’ and ‘Racking’ within 30 days (so far it took longer)"
    ]
    later = [done("course:a", 0), done("course:b", 45), done("course:a", 40)]
    decision = evaluate(rule, later)
    assert decision.earned and decision.earned_at == day(45)


def test_within_start_and_end_ignores_facts_outside_the_dates() -> None:
    rule = Within(A, start=day(10), end=day(20))
    assert not evaluate(rule, [done("course:a", 5), done("course:a", 25)]).earned
    missing = evaluate(rule, [done("course:a", 5)]).missing
    assert missing == ["Complete the course ‘Safe lifting’ (between 11 Mar 2025 and 21 Mar 2025)"]
    assert evaluate(rule, [done("course:a", 5), done("course:a", 15)]).earned_at == day(15)


# ----------------------------------------------------------------------------- nesting, stacking


def test_nested_rule_explains_each_level() -> None:
    rule = AllOf((A, AtLeast(2, (QUIZ, C, D))))
    decision = evaluate(rule, [done("course:a", 1), quiz("quiz:f", 2, 65), done("course:c", 3)])
    assert not decision.earned
    assert decision.missing == ["1 more of: ‘Forklift quiz’ with at least 80%, ‘First aid’"]
    top = decision.explanation
    assert top.text == "All of these: 1 of 2 done"
    assert [kid.met for kid in top.children] == [True, False]
    assert top.children[1].text == "Any 2 of these: 1 done"
    assert [k.met for k in top.children[1].children] == [False, True, False]


def test_stacking_needs_the_credentials_held() -> None:
    rule = AllOf((CredentialHeld("achievement:a", "A"), CredentialHeld("achievement:b", "B")))
    first = Fact(CREDENTIAL_HELD, "achievement:a", day(1))
    assert evaluate(rule, [first]).missing == ["Earn the credential ‘B’"]
    second = Fact(CREDENTIAL_HELD, "achievement:b", day(3))
    assert evaluate(rule, [first, second]).earned_at == day(3)


def test_compiled_rule_agrees_with_evaluate_and_skips_people_without_facts() -> None:
    rule = AllOf((A, AnyOf((B, QUIZ))))
    compiled = CompiledRule(rule)
    facts = [done("course:a", 2), quiz("quiz:f", 1, 85)]
    assert compiled.earned_at(FactIndex(facts)) == evaluate(rule, facts).earned_at == day(2)
    assert compiled.earned_at(FactIndex([done("course:z", 1)])) is None
    assert compiled.decide(FactIndex(facts)).earned


# ----------------------------------------------------------------------------- summary


def test_summary_reads_as_plain_language() -> None:
    rule = AllOf((A, AtLeast(2, (B, C, D))))
    assert summarise(rule) == (
        "Complete all of: ‘Safe lifting’ and any 2 of: ‘Racking’, ‘Loading bay’, ‘First aid’"
    )
    nested_first = AllOf((AnyOf((A, B)), QUIZ))
    assert summarise(nested_first) == (
        "Complete all of: (one of: ‘Safe lifting’ or ‘Racking’) and ‘Forklift quiz’ with at"
        " least 80%"
    )
    assert summarise(CreditTarget(30, (A, B))) == (
        "Complete 30 credits from: ‘Safe lifting’, ‘Racking’"
    )
    assert summarise(InOrder((A, B))) == "Complete in order: ‘Safe lifting’, then ‘Racking’"
    assert summarise(Within(AllOf((A, B)), days=30)) == (
        "Complete all of: ‘Safe lifting’ and ‘Racking’ within 30 days"
    )
    assert summarise(CredentialHeld("achievement:x", "X")) == "Hold the credential ‘X’"
