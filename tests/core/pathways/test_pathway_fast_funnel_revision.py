"""The fast many-learner evaluator agrees with the learner's map; the funnel counts and times
steps; a revision comparison says who gains or loses progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_pathway_properties import POOL, T0, held_facts, pathways

from microcred.pathways import (
    DONE,
    GAINS,
    LOSES,
    REQUIRED,
    SAME,
    FastPathway,
    Item,
    Milestone,
    Pathway,
    RefBits,
    Step,
    compiled_rules,
    fast_inputs,
    funnel,
    pathway_progress,
    progress_change,
    step_rule,
)
from microcred.rules import CREDENTIAL_HELD, CredentialHeld, Fact, FactIndex, leaves


def _held_bits(bits: RefBits, person: list[Fact]) -> int:
    return bits.mask(fact.ref for fact in person)


#: credentials held, some recognised for their own credit value (a fact's ``worth``)
worth_facts = st.lists(
    st.builds(
        lambda name, day, worth: Fact(
            CREDENTIAL_HELD,
            f"achievement:{name}",
            T0 + timedelta(days=day),
            worth=None if worth is None else float(worth),
        ),
        st.sampled_from(POOL),
        st.integers(0, 30),
        st.none() | st.integers(0, 6),
    ),
    max_size=12,
)


@given(pathways(), held_facts)
def test_the_fast_evaluator_agrees_with_the_map(pathway: Pathway, person: list[Fact]) -> None:
    bits = RefBits()
    bits.bit("achievement:unrelated")  # positions need not start at the pathway's items
    fast = FastPathway(pathway, bits).summary(_held_bits(bits, person))
    progress = pathway_progress(pathway, person)
    assert fast.states == tuple(step.state for step in progress.steps)
    assert fast.credits == tuple(step.credit for step in progress.steps)
    assert fast.milestones == tuple(m.earned_at is not None for m in progress.milestones)
    assert fast.completed == progress.completed
    assert fast.steps_done == sum(1 for s in progress.steps if s.state == DONE)


@given(pathways(), worth_facts)
def test_the_fast_evaluator_counts_worth_as_the_map(pathway: Pathway, person: list[Fact]) -> None:
    """Differential: facts with and without ``worth`` (the best value counts, once)."""
    bits = RefBits()
    bits.bit("achievement:unrelated")
    held, worth = fast_inputs(bits, person)
    fast = FastPathway(pathway, bits).summary(held, worth)
    progress = pathway_progress(pathway, person)
    assert fast.states == tuple(step.state for step in progress.steps)
    assert fast.credits == tuple(step.credit for step in progress.steps)
    assert fast.milestones == tuple(m.earned_at is not None for m in progress.milestones)
    assert fast.completed == progress.completed
    assert fast.steps_done == sum(1 for s in progress.steps if s.state == DONE)


def test_fast_inputs_refuse_facts_for_the_map_only() -> None:
    bits = RefBits()
    held, worth = fast_inputs(
        bits,
        [
            Fact(CREDENTIAL_HELD, "achievement:a", T0),
            Fact(CREDENTIAL_HELD, "achievement:a", T0, worth=1.0),
            Fact(CREDENTIAL_HELD, "achievement:a", T0, worth=3.0),
            Fact(CREDENTIAL_HELD, "achievement:b", T0, worth=2.0),
        ],
    )
    assert (held, worth) == (bits.bit("achievement:a"), {1: 3.0, 2: 2.0})
    for fact in (
        Fact(CREDENTIAL_HELD, "achievement:a", T0, scope="achievement:g#s"),
        Fact(CREDENTIAL_HELD, "achievement:a", T0, worths=(("ECTS", 1.0),)),
    ):
        with pytest.raises(ValueError, match="pathway_progress"):
            fast_inputs(bits, [fact])


def item(name: str) -> Item:
    return Item(f"achievement:{name}", name)


def step(step_id: str, *names: str, requires: tuple[str, ...] = ()) -> Step:
    return Step(
        step_id, step_id.title(), REQUIRED, tuple(item(n) for n in names), requires=requires
    )


V1 = Pathway(item("goal"), (step("a", "x"), step("b", "y", requires=("a",))), ())
V2 = Pathway(
    item("goal"),
    (step("a", "x"), step("c", "z")),
    (Milestone("m", "M", item("half"), ("a",)),),
)


def held(name: str, day: int) -> Fact:
    return Fact(CREDENTIAL_HELD, f"achievement:{name}", T0 + timedelta(days=day))


def test_funnel_counts_times_and_where_learners_are_stuck() -> None:
    enrolled = T0
    rows = [
        (enrolled, pathway_progress(V1, [held("x", 2), held("y", 6)])),  # completed in 6 days
        (enrolled, pathway_progress(V1, [held("x", 4)])),  # stuck at b
        (enrolled, pathway_progress(V1, [])),  # stuck at a
        (enrolled + timedelta(days=10), pathway_progress(V1, [held("x", 1)])),  # x before enrolling
    ]
    result = funnel(rows)
    assert result.enrolled == 4 and result.completed == 1
    a, b = result.steps
    assert (a.done, b.done) == (3, 1)
    # a: 2, 4 and 0 days (held before enrolling); b starts when a is done: 6 - 2 = 4 days
    assert a.median_time == timedelta(days=2)
    assert b.median_time == timedelta(days=4)
    assert (a.stuck, b.stuck) == (1, 2)
    assert result.median_completion == timedelta(days=6)
    assert result.share(result.completed) == 0.25
    assert funnel([]).enrolled == 0


def test_a_revision_says_who_gains_and_who_loses_progress() -> None:
    only_x = FactIndex([held("x", 1)])
    gains = progress_change(V1, V2, FactIndex([held("x", 1), held("z", 2)]))
    assert gains.verdict == GAINS and gains.after.completed and not gains.before.completed
    loses = progress_change(V1, V2, FactIndex([held("x", 1), held("y", 2)]))
    assert loses.verdict == LOSES and loses.before.completed and not loses.after.completed
    same = progress_change(V1, V2, only_x)  # 1 of 2 steps on both
    assert same.verdict == SAME
    assert progress_change(V2, V1, FactIndex([])).verdict == SAME


@given(pathways())
def test_compiled_pathways_only_ask_for_credentials_held(pathway: Pathway) -> None:
    """Why the learner's map may read credential facts alone (pathways.selectors.learner_map)."""
    rules = [*compiled_rules(pathway).values(), *(step_rule(s) for s in pathway.steps)]
    assert all(isinstance(leaf, CredentialHeld) for rule in rules for leaf in leaves(rule))
