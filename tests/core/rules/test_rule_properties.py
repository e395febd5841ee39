"""Properties of the rule engine over generated rules and facts (Hypothesis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

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
    Condition,
    CourseCompleted,
    CredentialHeld,
    CreditTarget,
    Fact,
    FactIndex,
    InOrder,
    QuizPassed,
    Within,
    evaluate,
    leaves,
    rule_from_json,
    rule_to_json,
    summarise,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)
REFS = {
    COURSE_COMPLETED: ["course:1", "course:2", "course:3", "course:4"],
    QUIZ_COMPLETED: ["quiz:1", "quiz:2"],
    CREDENTIAL_HELD: ["achievement:1", "achievement:2"],
    ASSESSMENT_ACCEPTED: ["assessment:1"],
}


def moment(days: int) -> datetime:
    return T0 + timedelta(days=days)


labels = st.text(alphabet="abcdefghij ’‘", min_size=1, max_size=8).filter(str.strip)

leaf_nodes = st.one_of(
    st.builds(CourseCompleted, st.sampled_from(REFS[COURSE_COMPLETED]), labels),
    st.builds(
        QuizPassed,
        st.sampled_from(REFS[QUIZ_COMPLETED]),
        labels,
        st.sampled_from([0.0, 50.0, 80.0, 100.0]),
    ),
    st.builds(CredentialHeld, st.sampled_from(REFS[CREDENTIAL_HELD]), labels),
    st.builds(AssessmentAccepted, st.sampled_from(REFS[ASSESSMENT_ACCEPTED]), labels),
)


@st.composite
def windows(draw: st.DrawFn, child: Condition) -> Within:
    days = draw(st.none() | st.integers(1, 60))
    start = draw(st.none() | st.integers(0, 100))
    end = draw(st.none() | st.integers(0, 100))
    if days is None and start is None and end is None:
        days = 30
    if start is not None and end is not None and start > end:
        start, end = end, start
    return Within(
        child,
        days,
        moment(start) if start is not None else None,
        moment(end) if end is not None else None,
    )


def extend(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    kids = st.lists(children, min_size=1, max_size=4).map(tuple)
    return st.one_of(
        kids.map(AllOf),
        kids.map(AnyOf),
        kids.map(InOrder),
        kids.flatmap(lambda k: st.integers(1, len(k)).map(lambda n: AtLeast(n, k))),
        kids.flatmap(
            lambda k: st.sampled_from([1.0, 5.0, 12.5, 30.0]).map(lambda t: CreditTarget(t, k))
        ),
        children.flatmap(windows),
    )


rules = st.recursive(leaf_nodes, extend, max_leaves=10)


@st.composite
def a_fact(draw: st.DrawFn) -> Fact:
    kind = draw(st.sampled_from(sorted(REFS)))
    scored = kind in (QUIZ_COMPLETED, ASSESSMENT_ACCEPTED)
    return Fact(
        kind,
        draw(st.sampled_from(REFS[kind])),
        moment(draw(st.integers(0, 120))),
        score=draw(st.sampled_from([0.0, 40.0, 79.5, 80.0, 100.0])) if scored else None,
        credits=draw(st.sampled_from([0.0, 2.0, 5.0, 10.0])),
    )


facts = st.lists(a_fact(), max_size=12)


@given(rules, facts, facts)
def test_adding_facts_never_unearns_nor_delays(
    rule: Condition, before: list[Fact], more: list[Fact]
) -> None:
    first = evaluate(rule, before)
    later = evaluate(rule, before + more)
    if first.earned:
        assert later.earned
        assert later.earned_at is not None and first.earned_at is not None
        assert later.earned_at <= first.earned_at


@given(rules, facts)
def test_earned_exactly_when_nothing_is_missing(rule: Condition, given_facts: list[Fact]) -> None:
    decision = evaluate(rule, given_facts)
    assert decision.earned == (decision.missing == [])
    assert decision.earned == (decision.progress == 1.0)
    assert 0.0 <= decision.progress <= 1.0
    assert decision.explanation.met == decision.earned
    assert all(item.strip() for item in decision.missing)


@given(rules, facts)
def test_evaluation_is_stable_and_order_independent(
    rule: Condition, given_facts: list[Fact]
) -> None:
    decision = evaluate(rule, given_facts)
    again = evaluate(rule, list(reversed(given_facts)))
    assert (decision.earned_at, decision.missing) == (again.earned_at, again.missing)
    assert CompiledRule(rule).earned_at(FactIndex(given_facts)) == decision.earned_at


@given(rules, facts)
def test_earned_at_is_the_first_moment_the_rule_holds(
    rule: Condition, given_facts: list[Fact]
) -> None:
    decision = evaluate(rule, given_facts)
    if decision.earned_at is None:
        return
    upto = [f for f in given_facts if f.at <= decision.earned_at]
    before = [f for f in given_facts if f.at < decision.earned_at]
    assert evaluate(rule, upto).earned
    assert not evaluate(rule, before).earned


@given(rules)
def test_json_round_trip(rule: Condition) -> None:
    data = json.loads(json.dumps(rule_to_json(rule)))
    assert rule_from_json(data) == rule


@given(rules)
def test_summary_mentions_every_leaf_label(rule: Condition) -> None:
    summary = summarise(rule)
    for leaf in leaves(rule):
        assert f"‘{leaf.label}’" in summary
