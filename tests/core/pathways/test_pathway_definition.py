"""Pathway definitions: JSON round trip, validation reasons, compilation and the summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from microcred.errors import InvalidInput
from microcred.pathways import (
    AVAILABLE,
    CREDIT,
    DONE,
    ELECTIVE,
    IN_PROGRESS,
    LOCKED,
    REQUIRED,
    Item,
    Milestone,
    Pathway,
    Step,
    check,
    compiled_rules,
    definition_from_json,
    definition_to_json,
    goal_rule,
    pathway_progress,
    pathway_summary,
    problems,
)
from microcred.rules import (
    CREDENTIAL_HELD,
    AllOf,
    AtLeast,
    CredentialHeld,
    CreditTarget,
    Fact,
    rule_from_json,
    rule_to_json,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def item(name: str, **credits: float) -> Item:
    return Item(f"achievement:{name}", name.title(), tuple(sorted(credits.items())))


def team_lead() -> Pathway:
    return Pathway(
        goal=item("lead"),
        steps=(
            Step("core", "Core", REQUIRED, (item("forklift", cpd=4), item("lifting", cpd=2))),
            Step(
                "options",
                "Options",
                ELECTIVE,
                (item("first-aid", cpd=3), item("fire", cpd=2), item("hazmat", cpd=5)),
                n=2,
            ),
            Step(
                "cpd",
                "CPD",
                CREDIT,
                (item("coaching", cpd=6), item("rota", cpd=4), item("half")),
                system="cpd",
                target=8,
                requires=("core",),
            ),
        ),
        milestones=(Milestone("half", "Halfway", item("half"), ("core", "options")),),
    )


def held(name: str, days: int = 0) -> Fact:
    return Fact(CREDENTIAL_HELD, f"achievement:{name}", T0 + timedelta(days=days))


def test_json_round_trip_keeps_the_definition() -> None:
    pathway = team_lead()
    data = definition_to_json(pathway)
    assert definition_from_json(data) == pathway
    assert data["steps"][2]["system"] == "cpd"


def test_reading_names_the_path_of_a_bad_field() -> None:
    data = definition_to_json(team_lead())
    data["steps"][1]["n"] = 0
    with pytest.raises(InvalidInput) as caught:
        definition_from_json(data)
    assert caught.value.problems[0].path == "$.steps[1].n"


def test_a_valid_pathway_has_no_problems() -> None:
    assert problems(team_lead()) == []


def test_a_prerequisite_cycle_is_refused_naming_the_steps() -> None:
    pathway = team_lead()
    core = pathway.steps[0]
    steps = (
        Step(core.id, core.title, core.kind, core.items, requires=("cpd",)),
        *pathway.steps[1:],
    )
    found = problems(Pathway(pathway.goal, steps, pathway.milestones))
    assert len(found) == 1
    assert "waits for itself" in found[0].message
    assert "step ‘Core’" in found[0].message and "step ‘CPD’" in found[0].message


def test_a_step_counting_a_milestone_that_follows_it_is_a_cycle() -> None:
    pathway = team_lead()
    core = pathway.steps[0]
    steps = (Step("core", "Core", REQUIRED, (*core.items, item("half"))), *pathway.steps[1:])
    found = problems(Pathway(pathway.goal, steps, pathway.milestones))
    assert any(
        "milestone ‘Halfway’" in p.message and "waits for itself" in p.message for p in found
    )


def test_an_unknown_prerequisite_makes_the_step_unreachable() -> None:
    pathway = team_lead()
    options = pathway.steps[1]
    broken = Step(options.id, options.title, ELECTIVE, options.items, n=2, requires=("nope",))
    found = problems(Pathway(pathway.goal, (pathway.steps[0], broken, pathway.steps[2])))
    assert [p.path for p in found] == ["$.steps[1].requires"]
    assert "step ‘Options’ can never be reached" in found[0].message


def test_impossible_targets_are_refused_with_the_reason() -> None:
    pathway = team_lead()
    core, options, cpd = pathway.steps
    too_many = Step(options.id, options.title, ELECTIVE, options.items, n=4)
    too_much = Step(cpd.id, cpd.title, CREDIT, cpd.items, system="cpd", target=11)
    with pytest.raises(InvalidInput) as caught:
        check(Pathway(pathway.goal, (core, too_many, too_much)))
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "step ‘Options’ is impossible: it asks for 4 of only 3 achievements",
        "step ‘CPD’ is impossible: it needs 11 cpd credits but its achievements offer only 10",
    ]


def test_compiling_refuses_an_invalid_pathway() -> None:
    pathway = team_lead()
    with pytest.raises(InvalidInput):
        goal_rule(Pathway(pathway.goal, ()))


def test_compiles_to_the_hand_written_rule() -> None:
    """Each leaf carries its step's scope (where a recognition restricted to the step counts)
    and, in a credit step, the step's system."""
    rules = compiled_rules(team_lead())
    core, options = "achievement:lead#core", "achievement:lead#options"
    forklift = CredentialHeld("achievement:forklift", "Forklift", scope=core)
    lifting = CredentialHeld("achievement:lifting", "Lifting", scope=core)
    assert rules["achievement:half"] == AllOf(
        (
            AllOf((forklift, lifting)),
            AtLeast(
                2,
                (
                    CredentialHeld("achievement:first-aid", "First-Aid", scope=options),
                    CredentialHeld("achievement:fire", "Fire", scope=options),
                    CredentialHeld("achievement:hazmat", "Hazmat", scope=options),
                ),
            ),
        )
    )
    credit = rules["achievement:lead"]
    assert isinstance(credit, AllOf)
    cpd = "achievement:lead#cpd"
    assert credit.children[2] == CreditTarget(
        8,
        (
            CredentialHeld("achievement:coaching", "Coaching", 6.0, "cpd", cpd),
            CredentialHeld("achievement:rota", "Rota", 4.0, "cpd", cpd),
            CredentialHeld("achievement:half", "Half", 0.0, "cpd", cpd),
        ),
    )
    assert rule_from_json(rule_to_json(credit)) == credit  # scope and system round-trip


def test_summary_reads_each_step_milestone_and_goal() -> None:
    lines = pathway_summary(team_lead())
    assert lines[0] == (
        "Core: Complete all of: the credential ‘Forklift’ and the credential ‘Lifting’"
    )
    assert lines[1].startswith("Options: Complete any 2 of: the credential ‘First-Aid’")
    assert lines[2] == (
        "CPD: Complete 8 credits from: the credential ‘Coaching’ (6 credits), "
        "the credential ‘Rota’ (4 credits), the credential ‘Half’ (0 credits) (after ‘Core’)"
    )
    assert lines[3] == "Milestone ‘Half’ is issued after ‘Core’, ‘Options’"
    assert lines[4] == "‘Lead’ is issued when every step is done"


def test_progress_of_a_learner_part_way() -> None:
    progress = pathway_progress(team_lead(), [held("forklift"), held("fire", 2)])
    assert [s.state for s in progress.steps] == [IN_PROGRESS, IN_PROGRESS, LOCKED]
    assert progress.steps[2].waiting_for == ("core",)
    assert progress.next_step == "core"
    assert progress.steps[0].missing == ("Earn the credential ‘Lifting’",)
    assert dict(progress.credits) == {"cpd": 6.0}
    assert not progress.completed


def test_progress_to_completion() -> None:
    facts = [held("forklift"), held("lifting", 1), held("fire", 2), held("hazmat", 3)]
    part = pathway_progress(team_lead(), facts)
    assert [s.state for s in part.steps] == [DONE, DONE, AVAILABLE]
    assert part.milestones[0].earned_at == T0 + timedelta(days=3)
    assert part.next_step == "cpd"
    facts += [held("coaching", 4), held("half", 4), held("rota", 5)]
    whole = pathway_progress(team_lead(), facts)
    assert whole.steps[2].credit == 10
    assert whole.completed_at == T0 + timedelta(days=5)  # 6 + 0 < 8 until the rota on day 5
    assert whole.next_step is None
