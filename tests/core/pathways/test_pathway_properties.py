"""Properties of pathways over generated definitions and facts (Hypothesis).

* the compiled goal rule decides exactly as a hand-written reference of the pathway's meaning;
* the learner's map agrees with the compiled rules;
* earning more never loses progress (states, credit, milestones, completion).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microcred.pathways import (
    CREDIT,
    DONE,
    ELECTIVE,
    REQUIRED,
    STATES,
    Item,
    Milestone,
    Pathway,
    Step,
    goal_rule,
    milestone_rules,
    pathway_progress,
    pathway_step_rule,
    problems,
)
from microcred.rules import CREDENTIAL_HELD, Fact, evaluate

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POOL = [f"a{number}" for number in range(8)]
SYSTEM = "ECTS"


@st.composite
def pathways(draw: st.DrawFn) -> Pathway:
    count = draw(st.integers(1, 4))
    steps = []
    for position in range(count):
        names = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
        items = tuple(
            Item(f"achievement:{name}", name, ((SYSTEM, float(draw(st.integers(0, 5)))),))
            for name in names
        )
        kind = draw(st.sampled_from([REQUIRED, ELECTIVE, CREDIT]))
        n = draw(st.integers(1, len(items))) if kind == ELECTIVE else 0
        offered = sum(item.credit_in(SYSTEM) for item in items)
        target = float(draw(st.integers(1, max(int(offered), 1)))) if kind == CREDIT else 0.0
        if kind == CREDIT and offered < 1:
            kind, target = REQUIRED, 0.0
        requires = tuple(f"s{earlier}" for earlier in range(position) if draw(st.booleans()))
        steps.append(
            Step(
                f"s{position}",
                f"Step {position}",
                kind,
                items,
                n,
                SYSTEM if kind == CREDIT else "",
                target,
                requires,
            )
        )
    after = tuple(s.id for s in steps[: draw(st.integers(1, len(steps)))])
    milestone = Milestone("m", "Milestone", Item("achievement:milestone", "Milestone"), after)
    return Pathway(Item("achievement:goal", "Goal"), tuple(steps), (milestone,))


#: credentials held (issued here), each counted at its item's credit
held_facts = st.lists(
    st.builds(
        lambda name, day: Fact(CREDENTIAL_HELD, f"achievement:{name}", T0 + timedelta(days=day)),
        st.sampled_from(POOL),
        st.integers(0, 30),
    ),
    max_size=12,
)
#: and some recognised ones, counted for their own credit value (one value, or per system),
#: some restricted to one step (a scope), possibly a step of no pathway here
facts = st.lists(
    st.builds(
        # worth: a recognised credential counted for its own credit value (None: the item's)
        lambda name, day, worth, worths, scope: Fact(
            CREDENTIAL_HELD,
            f"achievement:{name}",
            T0 + timedelta(days=day),
            worth=None if worth is None else float(worth),
            worths=worths,
            scope=scope,
        ),
        st.sampled_from(POOL),
        st.integers(0, 30),
        st.none() | st.integers(0, 6),
        st.sampled_from([(), ((SYSTEM, 1.0),), (("CPD", 9.0),), (("CPD", 0.0), (SYSTEM, 4.0))]),
        st.sampled_from(["", "", "achievement:goal#s0", "achievement:goal#s2", "elsewhere#s1"]),
    ),
    max_size=12,
)


def counts_in(fact: Fact, step: Step) -> bool:
    """A fact restricted to a step counts only there; an unrestricted one everywhere."""
    return fact.scope in ("", f"achievement:goal#{step.id}")


def worth_in(fact: Fact, item: Item, system: str) -> float:
    """A fact's value in ``system``: its value stated for the system, else its own value, else
    the item's credit."""
    stated = dict(fact.worths)
    if system in stated:
        return stated[system]
    return item.credit_in(system) if fact.worth is None else fact.worth


def first_held(person: list[Fact]) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    for fact in person:
        if fact.ref not in out or fact.at < out[fact.ref]:
            out[fact.ref] = fact.at
    return out


def reference_done_at(step: Step, everything: list[Fact]) -> datetime | None:
    """When ``step`` is done, worked out by hand from what the step means."""
    person = [fact for fact in everything if counts_in(fact, step)]
    first = first_held(person)
    times = sorted(first[item.ref] for item in step.items if item.ref in first)
    if step.kind == REQUIRED:
        return times[-1] if len(times) == len(step.items) else None
    if step.kind == ELECTIVE:
        return times[step.n - 1] if len(times) >= step.n else None
    # each item counts the best worth among the facts held so far (its own credit by default)
    for moment in sorted({fact.at for fact in person}):
        total = sum(
            max(
                (
                    worth_in(fact, item, step.system)
                    for fact in person
                    if fact.ref == item.ref and fact.at <= moment
                ),
                default=0.0,
            )
            for item in step.items
        )
        if total >= step.target:
            return moment
    return None


@given(pathways(), facts)
def test_compiled_goal_decides_as_the_reference(pathway: Pathway, person: list[Fact]) -> None:
    assert problems(pathway) == []
    done = [reference_done_at(step, person) for step in pathway.steps]
    expected = None if None in done else max(d for d in done if d is not None)
    decision = evaluate(goal_rule(pathway), person)
    assert decision.earned_at == expected
    for step, step_done in zip(pathway.steps, done, strict=True):
        assert evaluate(pathway_step_rule(pathway, step), person).earned_at == step_done


@given(pathways(), facts)
def test_the_map_agrees_with_the_rules(pathway: Pathway, person: list[Fact]) -> None:
    progress = pathway_progress(pathway, person)
    assert progress.completed_at == evaluate(goal_rule(pathway), person).earned_at
    for step in progress.steps:
        rule = pathway_step_rule(pathway, step.step)
        assert (step.state == DONE) == evaluate(rule, person).earned
    rules = milestone_rules(pathway)
    for milestone in progress.milestones:
        assert milestone.earned_at == evaluate(rules[milestone.id], person).earned_at


@given(pathways(), facts, facts)
def test_earning_more_never_loses_progress(
    pathway: Pathway, person: list[Fact], more: list[Fact]
) -> None:
    before = pathway_progress(pathway, person)
    after = pathway_progress(pathway, person + more)
    for old, new in zip(before.steps, after.steps, strict=True):
        assert STATES.index(new.state) >= STATES.index(old.state)
        assert new.credit >= old.credit
        assert new.progress >= old.progress or new.state == DONE
    for (system, old_credit), (_, new_credit) in zip(before.credits, after.credits, strict=True):
        assert new_credit >= old_credit, system
    for old_m, new_m in zip(before.milestones, after.milestones, strict=True):
        if old_m.earned_at is not None:
            assert new_m.earned_at is not None and new_m.earned_at <= old_m.earned_at
    if before.completed_at is not None:
        assert after.completed_at is not None and after.completed_at <= before.completed_at


@st.composite
def prerequisite_graphs(draw: st.DrawFn) -> Pathway:
    """Required steps whose prerequisites may point anywhere, cycles included."""
    count = draw(st.integers(1, 6))
    ids = [f"s{n}" for n in range(count)]
    steps = tuple(
        Step(
            step_id,
            f"Step {step_id}",
            REQUIRED,
            (Item(f"achievement:{step_id}", step_id),),
            requires=tuple(
                draw(
                    st.lists(st.sampled_from(ids), unique=True, max_size=3).filter(
                        lambda found, me=step_id: me not in found
                    )
                )
            ),
        )
        for step_id in ids
    )
    return Pathway(Item("achievement:goal", "Goal"), steps)


def has_cycle(pathway: Pathway) -> bool:
    """Kahn's algorithm: a cycle is what remains when no step is free any more."""
    waiting = {step.id: set(step.requires) for step in pathway.steps}
    while True:
        free = [step_id for step_id, needs in waiting.items() if not needs]
        if not free:
            return bool(waiting)
        for step_id in free:
            del waiting[step_id]
        for needs in waiting.values():
            needs.difference_update(free)


@given(prerequisite_graphs())
def test_exactly_the_cyclic_pathways_are_refused(pathway: Pathway) -> None:
    found = problems(pathway)
    assert bool(found) == has_cycle(pathway)
    for problem in found:
        assert "waits for itself" in problem.message and "step ‘Step " in problem.message


@given(pathways(), st.integers(1, 5))
def test_targets_beyond_reach_are_refused_naming_the_step(pathway: Pathway, extra: int) -> None:
    position = len(pathway.steps) - 1
    last = pathway.steps[position]
    offered = sum(item.credit_in(SYSTEM) for item in last.items)
    if last.kind == CREDIT:
        broken = Step(
            last.id, last.title, CREDIT, last.items, system=SYSTEM, target=offered + extra
        )
    else:
        broken = Step(last.id, last.title, ELECTIVE, last.items, n=len(last.items) + extra)
    changed = Pathway(pathway.goal, (*pathway.steps[:position], broken), pathway.milestones)
    [problem] = problems(changed)
    assert problem.path.startswith(f"$.steps[{position}]")
    assert f"step ‘{last.title}’ is impossible" in problem.message
