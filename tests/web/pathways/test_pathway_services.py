"""Pathway services: drafts, publishing compiles award rules, issuing exactly once, credit."""

from __future__ import annotations

import pytest
from pathways_helpers import build_lead, credentials_of, issue, make_achievement

from microcred.pathways import compiled_rules, definition_from_json
from microcred_web.awards.models import Award, AwardRule
from microcred_web.awards.services import awards_evaluate
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.pathways import selectors, services
from microcred_web.pathways.models import Enrolment


@pytest.mark.django_db
def test_credit_travels_on_the_achievement_and_the_subject(world) -> None:
    admin, learner = world.people["admin"], world.people["learner"]
    achievement = make_achievement(
        world.org, admin, "Forklift", credits="4.5", credit_system="CPD hours", credit_ects="1"
    )
    document = issue(world.org, admin, achievement, learner).document
    assert document["credentialSubject"]["achievement"]["creditsAvailable"] == 4.5
    assert document["credentialSubject"]["creditsEarned"] == 4.5
    plain = make_achievement(world.org, admin, "No credit")
    assert (
        "creditsEarned" not in issue(world.org, admin, plain, learner).document["credentialSubject"]
    )


@pytest.mark.django_db
def test_draft_items_carry_each_achievements_credit(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    draft = selectors.draft_get(pathway=lead.pathway)
    assert draft is not None and draft.number == 1
    definition = draft.definition
    assert [s.id for s in definition.steps] == ["core", "options", "leading-people"]
    assert definition.steps[2].requires == ("core",)
    assert dict(definition.steps[0].items[0].credits) == {"CPD hours": 4.0}
    assert definition.milestones[0].after == ("core", "options")


@pytest.mark.django_db
def test_publish_compiles_the_milestone_and_goal_rules_and_turns_them_on(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    version = services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    lead.pathway.refresh_from_db()
    assert lead.pathway.published_version == version and version.status == "published"
    expected = compiled_rules(version.definition)
    for key in ("half", "goal"):
        award_rule = AwardRule.objects.get(achievement=lead.parts[key])
        assert award_rule.enabled
        assert award_rule.rule == expected[f"achievement:{lead.parts[key].public_id}"]
    assert AuditEvent.objects.filter(action="pathways.published").count() == 1
    with pytest.raises(ApplicationError) as caught:  # nothing changed: no second version
        services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    assert caught.value.code == "nothing_to_publish"
    # editing after publishing makes a new draft; the published version stays as it was
    services.pathway_step_remove(pathway=lead.pathway, actor=lead.admin, step_id="options")
    draft = selectors.draft_get(pathway=lead.pathway)
    assert draft is not None and draft.number == 2
    version.refresh_from_db()
    assert len(definition_from_json(version.definition_json).steps) == 3


@pytest.mark.django_db
def test_an_impossible_pathway_is_refused_with_the_reason_and_nothing_is_compiled(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    data = selectors.draft_get(pathway=lead.pathway).definition_json
    data["steps"][2]["target"] = 50
    services.pathway_definition_replace(pathway=lead.pathway, actor=lead.admin, data=data)
    with pytest.raises(ApplicationError) as caught:
        services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    assert caught.value.message == (
        "step ‘Leading people’ is impossible: it needs 50 CPD hours credits but its "
        "achievements offer only 9"
    )
    assert not AwardRule.objects.filter(achievement=lead.parts["goal"]).exists()


@pytest.mark.django_db
def test_a_cycle_through_a_milestone_is_refused(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    half = lead.parts["half"]
    services.pathway_step_add(
        pathway=lead.pathway,
        actor=lead.admin,
        title="Foundations again",
        kind="required",
        achievements=[half],
    )
    services.pathway_milestone_remove(
        pathway=lead.pathway, actor=lead.admin, milestone_id="foundations"
    )
    services.pathway_milestone_add(
        pathway=lead.pathway,
        actor=lead.admin,
        title="Foundations",
        achievement=half,
        after=["core", "foundations-again"],
    )
    with pytest.raises(ApplicationError) as caught:
        services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    assert "waits for itself" in caught.value.message
    assert "step ‘Foundations again’" in caught.value.message


@pytest.mark.django_db
def test_another_organisations_achievement_is_refused(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    foreign = make_achievement(world.other, world.others["admin"], "Globex badge")
    with pytest.raises(ApplicationError):
        services.pathway_step_add(
            pathway=lead.pathway,
            actor=lead.admin,
            title="Foreign",
            kind="required",
            achievements=[foreign],
        )
    data = selectors.draft_get(pathway=lead.pathway).definition_json
    data["steps"][0]["items"][0]["ref"] = f"achievement:{foreign.public_id}"
    with pytest.raises(ApplicationError) as caught:
        services.pathway_definition_replace(pathway=lead.pathway, actor=lead.admin, data=data)
    assert caught.value.code == "unknown_achievement"


@pytest.mark.django_db
def test_enrolment_keeps_its_version_and_only_members_enrol(world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    learner = world.people["learner"]
    with pytest.raises(ApplicationError):  # not published yet
        services.pathway_enrol(pathway=lead.pathway, user=learner)
    first = services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    enrolment = services.pathway_enrol(pathway=lead.pathway, user=learner)
    services.pathway_step_remove(pathway=lead.pathway, actor=lead.admin, step_id="options")
    services.pathway_milestone_remove(
        pathway=lead.pathway, actor=lead.admin, milestone_id="foundations"
    )
    second = services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    assert second.number == 2
    assert services.pathway_enrol(pathway=lead.pathway, user=learner).version == first
    newcomer = world.people["manager"]
    assert services.pathway_enrol(pathway=lead.pathway, user=newcomer).version == second
    enrolment.refresh_from_db()
    assert enrolment.version == first
    with pytest.raises(ApplicationError):
        services.pathway_enrol(pathway=lead.pathway, user=world.others["learner"])
    assert Enrolment.objects.filter(pathway=lead.pathway).count() == 2


@pytest.mark.django_db(transaction=True)
def test_milestone_then_goal_issue_automatically_and_exactly_once(world) -> None:
    admin, learner = world.people["admin"], world.people["learner"]
    lead = build_lead(world.org, admin)
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    enrolment = services.pathway_enrol(pathway=lead.pathway, user=learner)
    parts = lead.parts

    def earn(name: str) -> None:
        issue(world.org, admin, parts[name], learner)

    earn("forklift")
    earn("fire")
    state = selectors.learner_map(enrolment=enrolment)
    assert [s.state for s in state.progress.steps] == ["in_progress", "done", "locked"]
    assert state.next_title == "Core"
    assert credentials_of(world.org, parts["half"], learner) == []

    earn("lifting")  # core and options done: the milestone is issued
    assert len(credentials_of(world.org, parts["half"], learner)) == 1
    assert credentials_of(world.org, parts["goal"], learner) == []
    state = selectors.learner_map(enrolment=enrolment)
    assert state.progress.milestones[0].earned_at is not None
    assert state.progress.state_of("leading-people") == "available"

    earn("coaching")  # 4 of 6 CPD hours
    state = selectors.learner_map(enrolment=enrolment)
    assert state.progress.steps[2].credit == 4 and not state.progress.completed
    assert state.credit_rows == [("CPD hours", 4.0, 6.0)]
    assert credentials_of(world.org, parts["goal"], learner) == []

    earn("stock")  # 6 of 6: the goal is issued
    assert len(credentials_of(world.org, parts["goal"], learner)) == 1
    assert selectors.learner_map(enrolment=enrolment).progress.completed

    # evaluating again, or earning more, issues nothing twice
    earn("rota")
    assert awards_evaluate(organisation=world.org) == []
    assert len(credentials_of(world.org, parts["half"], learner)) == 1
    assert len(credentials_of(world.org, parts["goal"], learner)) == 1
    assert Award.objects.filter(user=learner, achievement=parts["goal"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_revoking_a_component_keeps_what_was_issued_but_reopens_the_map(world) -> None:
    """The documented policy (docs/decisions/0025): nothing already issued is revoked; the
    revoked component stops counting, so the map shows the pathway incomplete again."""
    from microcred_web.issuing import services as issuing

    admin, learner = world.people["admin"], world.people["learner"]
    lead = build_lead(world.org, admin)
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    enrolment = services.pathway_enrol(pathway=lead.pathway, user=learner)
    held = {
        name: issue(world.org, admin, lead.parts[name], learner)
        for name in ("forklift", "lifting", "fire", "coaching", "rota")
    }
    [goal] = credentials_of(world.org, lead.parts["goal"], learner)
    assert selectors.learner_map(enrolment=enrolment).progress.completed

    issuing.credential_revoke(credential=held["lifting"], actor=admin, reason="issued in error")
    goal.refresh_from_db()
    assert goal.revoked_at is None
    assert len(credentials_of(world.org, lead.parts["half"], learner)) == 1
    state = selectors.learner_map(enrolment=enrolment).progress
    assert not state.completed and state.state_of("core") == "in_progress"
    assert state.milestones[0].earned_at is None
    # earning it again issues nothing twice
    issue(world.org, admin, lead.parts["lifting"], learner)
    assert selectors.learner_map(enrolment=enrolment).progress.completed
    assert len(credentials_of(world.org, lead.parts["goal"], learner)) == 1
