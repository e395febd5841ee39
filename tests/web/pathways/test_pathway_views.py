"""Pathway pages: the editor (issuers, admins), catalogue, enrolment, the learner's map; every
page scoped to its organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pathways_helpers import build_lead, issue, make_achievement

from microcred_web.awards.models import AwardRule
from microcred_web.pathways import services
from microcred_web.pathways.models import Enrolment, Pathway, Recognition
from microcred_web.wallet.models import ImportedCredential

pytestmark = pytest.mark.django_db


def url(name: str, org: Any, **kwargs: Any) -> str:
    return reverse(f"pathways:{name}", kwargs={"slug": org.slug, **kwargs})


def test_an_admin_builds_and_publishes_a_pathway_through_the_editor(client, world) -> None:
    admin = world.people["admin"]
    a = make_achievement(world.org, admin, "Forklift")
    b = make_achievement(world.org, admin, "Lifting", credits="3", credit_system="CPD hours")
    half = make_achievement(world.org, admin, "Halfway")
    goal = make_achievement(world.org, admin, "Certificate")
    client.force_login(admin)
    created = client.post(
        url("manage", world.org), {"name": "Lead", "description": "", "goal": goal.pk}
    )
    pathway = Pathway.objects.get(organisation=world.org)
    assert created.status_code == 302
    edit = url("edit", world.org, pathway_id=pathway.pk)
    client.post(edit, {"op": "add_step", "title": "Core", "kind": "required", "items": [a.pk]})
    client.post(
        edit,
        {
            "op": "add_step",
            "title": "Credit",
            "kind": "credit",
            "items": [b.pk],
            "system": "CPD hours",
            "target": "5",
            "requires": ["core"],
        },
    )
    page = client.get(url("editor", world.org, pathway_id=pathway.pk)).content.decode()
    # the impossible target is explained beside the step, and publishing is not offered
    assert "step ‘Credit’ is impossible: it needs 5 CPD hours credits" in page
    assert 'id="publish"' not in page
    refused = client.post(url("publish", world.org, pathway_id=pathway.pk))
    assert refused.status_code == 400 and "is impossible" in refused.content.decode()
    client.post(edit, {"op": "remove_step", "step": "credit"})
    client.post(
        edit,
        {
            "op": "add_step",
            "title": "Credit",
            "kind": "credit",
            "items": [b.pk],
            "system": "CPD hours",
            "target": "3",
        },
    )
    client.post(edit, {"op": "add_milestone", "achievement": half.pk, "after": ["core"]})
    client.post(edit, {"op": "up", "step": "credit"})
    page = client.get(url("editor", world.org, pathway_id=pathway.pk)).content.decode()
    assert page.index("edit-step-credit") < page.index("edit-step-core")
    assert "Core: Hold the credential ‘Forklift’" in page
    assert "Milestone ‘Halfway’ is issued after ‘Core’" in page
    assert "“Halfway” after: Core" in page
    published = client.post(url("publish", world.org, pathway_id=pathway.pk))
    assert published.status_code == 302
    assert AwardRule.objects.get(achievement=goal).enabled
    assert AwardRule.objects.get(achievement=half).enabled


def test_bad_json_in_the_advanced_editor_is_refused_with_its_path(client, world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    client.force_login(lead.admin)
    response = client.post(
        url("edit", world.org, pathway_id=lead.pathway.pk),
        {"op": "replace", "definition": '{"version": 1, "goal": {}, "steps": []}'},
    )
    assert response.status_code == 400
    assert "$.goal.ref" in response.content.decode()


@pytest.mark.parametrize("role", ["learner", "manager", "assessor"])
def test_only_issuers_and_admins_edit(client, world, role: str) -> None:
    lead = build_lead(world.org, world.people["admin"])
    client.force_login(world.people[role])
    assert client.get(url("manage", world.org)).status_code == 403
    assert client.get(url("editor", world.org, pathway_id=lead.pathway.pk)).status_code == 403
    assert client.post(url("publish", world.org, pathway_id=lead.pathway.pk)).status_code == 403


def test_another_organisations_pathways_are_invisible(client, world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    public_id = lead.pathway.public_id
    # the other organisation's admin, through their own organisation's addresses
    client.force_login(world.others["admin"])
    assert client.get(url("editor", world.other, pathway_id=lead.pathway.pk)).status_code == 404
    assert client.post(url("publish", world.other, pathway_id=lead.pathway.pk)).status_code == 404
    assert client.get(url("detail", world.other, public_id=public_id)).status_code == 404
    assert "Warehouse Team Lead" not in client.get(url("catalogue", world.other)).content.decode()
    # and through this organisation's addresses, where they are not a member
    assert client.get(url("editor", world.org, pathway_id=lead.pathway.pk)).status_code == 404
    client.force_login(world.others["learner"])
    assert client.post(url("enrol", world.org, public_id=public_id)).status_code == 404
    assert client.post(url("enrol", world.other, public_id=public_id)).status_code == 404
    assert client.get(url("map", world.other, public_id=public_id)).status_code == 404
    assert not Enrolment.objects.exists()


def test_drafts_are_not_in_the_catalogue(client, world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    assert "Warehouse Team Lead" not in client.get(url("catalogue", world.org)).content.decode()
    detail = url("detail", world.org, public_id=lead.pathway.public_id)
    assert client.get(detail).status_code == 404


def test_a_learner_browses_enrols_and_sees_the_map(client, world) -> None:
    admin, learner = world.people["admin"], world.people["learner"]
    lead = build_lead(world.org, admin)
    services.pathway_publish(pathway=lead.pathway, actor=admin)
    public_id = lead.pathway.public_id
    # anyone may browse the catalogue and the pathway page
    catalogue = client.get(url("catalogue", world.org)).content.decode()
    assert "Warehouse Team Lead" in catalogue and "6 CPD hours" in catalogue
    anonymous = client.get(url("detail", world.org, public_id=public_id)).content.decode()
    assert "Leading people: Complete 6 credits from" in anonymous and 'id="enrol"' not in anonymous
    issue(world.org, admin, lead.parts["forklift"], learner)
    client.force_login(learner)
    assert client.get(url("map", world.org, public_id=public_id)).status_code == 302
    enrolled = client.post(url("enrol", world.org, public_id=public_id), follow=True)
    page = enrolled.content.decode()
    assert enrolled.status_code == 200
    assert 'id="step-core" data-state="in_progress"' in page
    assert 'id="step-options" data-state="available"' in page
    assert 'id="step-leading-people" data-state="locked"' in page
    assert "Next recommended step: <strong>Core</strong>" in page
    assert "0 of 6" in page  # the credit step's CPD hours so far against its target
    issue(world.org, admin, lead.parts["coaching"], learner)
    page = client.get(url("map", world.org, public_id=public_id)).content.decode()
    assert "4 of 6" in page and 'id="step-leading-people" data-state="in_progress"' in page
    mine = client.get(url("mine", world.org)).content.decode()
    assert "Warehouse Team Lead" in mine and "Next: Core" in mine


def test_the_demo_pathway_has_a_learner_part_way(client) -> None:
    from io import StringIO

    from django.core.management import call_command

    from microcred_web.accounts.models import User

    call_command("load_demo", stdout=StringIO())
    pathway = Pathway.objects.get(name="Warehouse Team Lead Certificate")
    assert pathway.published_version is not None
    definition = pathway.published_version.definition
    assert [s.kind for s in definition.steps] == ["required", "elective", "credit"]
    assert len(definition.milestones) == 1
    zoe = User.objects.get(email="learner@northwind.example")
    client.force_login(zoe)
    page = client.get(
        reverse("pathways:map", kwargs={"slug": "northwind", "public_id": pathway.public_id})
    ).content.decode()
    assert 'id="step-safety-core" data-state="done"' in page
    # Zoë also holds Warehouse Team Lead (the awards demo): people skills are done
    assert 'id="step-people-skills" data-state="done"' in page
    assert 'id="step-hands-on-training" data-state="in_progress"' in page
    assert "20 of 24" in page and "Next recommended step: <strong>Hands-on training" in page
    # the milestone followed the safety core, issued once through the award rules
    milestone = definition.milestones[0].achievement.ref.split(":", 1)[1]
    assert AwardRule.objects.get(achievement__public_id=milestone).enabled
    # a credential from elsewhere (Contoso), imported and verified, is recognised
    assert 'data-counts="yes"' in page and "Team Leadership Foundations" in page
    assert "counts as “Warehouse Team Lead”" in page
    assert Recognition.objects.get().only_in_step  # restricted to "People skills"
    # the warehouse team was assigned the pathway with a due date; loading again changes nothing
    assert "Due by " in page
    enrolments = list(Enrolment.objects.filter(pathway=pathway).values_list("pk", "due_date"))
    assert len(enrolments) > 1
    before = (Recognition.objects.count(), ImportedCredential.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert list(Enrolment.objects.filter(pathway=pathway).values_list("pk", "due_date")) == (
        enrolments
    )
    assert (Recognition.objects.count(), ImportedCredential.objects.count()) == before == (1, 1)


def test_the_navigation_leads_to_pathways(client, world) -> None:
    client.force_login(world.people["learner"])
    page = client.get(reverse("orgs:dashboard", kwargs={"slug": world.org.slug})).content.decode()
    assert f'href="{url("mine", world.org)}"' in page
    assert f'href="{url("manage", world.org)}"' not in page
    client.force_login(world.people["issuer"])
    page = client.get(reverse("orgs:dashboard", kwargs={"slug": world.org.slug})).content.decode()
    assert f'href="{url("manage", world.org)}"' in page


def test_the_rule_builder_shows_the_compiled_goal_rule(client, world) -> None:
    lead = build_lead(world.org, world.people["admin"])
    services.pathway_publish(pathway=lead.pathway, actor=lead.admin)
    client.force_login(lead.admin)
    goal = lead.parts["goal"]
    page = client.get(
        reverse("awards:builder", kwargs={"slug": world.org.slug, "achievement_id": goal.pk})
    )
    assert page.status_code == 200
    assert "6 credits from: the credential ‘Coaching’ (4 credits)" in page.content.decode()
