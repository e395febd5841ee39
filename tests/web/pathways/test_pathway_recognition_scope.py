"""A recognition's credit per credit system, and a recognition restricted to its step
(issue 18): the map and the award rules (through the compiled facts) honour both."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from pathways_helpers import credentials_of, issue, make_achievement

from microcred.rules import CREDENTIAL_HELD
from microcred_web.awards.selectors import person_facts
from microcred_web.issuing.identity import issuer_did
from microcred_web.pathways import recognition, services
from microcred_web.pathways.models import Pathway, Recognition
from microcred_web.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True)


def _trainer(world: Any) -> tuple[Pathway, dict[str, Any]]:
    """Study: 5 ECTS; Practice: 10 CPD hours; both from First aid (1 ECTS, 3 CPD hours) and
    Coaching (4 ECTS, 8 CPD hours); then First aid itself is required."""
    org, admin = world.org, world.people["admin"]
    cpd = {"credit_system": "CPD hours"}
    parts = {
        "fa": make_achievement(org, admin, "First aid", credits="3", credit_ects="1", **cpd),
        "co": make_achievement(org, admin, "Coaching", credits="8", credit_ects="4", **cpd),
        "goal": make_achievement(org, admin, "Trainer certificate"),
    }
    pathway = services.pathway_create(
        organisation=org, actor=admin, name="Trainer", description="", goal=parts["goal"]
    )
    both = [parts["fa"], parts["co"]]
    for title, system, target in (("Study", "ECTS", 5), ("Practice", "CPD hours", 10)):
        services.pathway_step_add(
            pathway=pathway,
            actor=admin,
            title=title,
            kind="credit",
            achievements=both,
            system=system,
            target=target,
        )
    services.pathway_step_add(
        pathway=pathway, actor=admin, title="Own first aid", kind="required", achievements=[both[0]]
    )
    services.pathway_publish(pathway=pathway, actor=admin)
    pathway.refresh_from_db()
    return pathway, parts


def _steps(pathway: Pathway) -> dict[str, str]:
    assert pathway.published_version is not None
    return {step.title: step.id for step in pathway.published_version.definition.steps}


def _external(world: Any) -> dict[str, Any]:
    admin = world.others["admin"]
    badge = make_achievement(world.other, admin, "Emergency First Aid at Work")
    document: dict[str, Any] = issue(world.other, admin, badge, world.people["learner"]).document
    return document


def _recognise(world: Any, pathway: Pathway, step: str, document: Any, **extra: Any) -> Any:
    parts_ref = next(
        item.ref
        for item in pathway.published_version.definition.items()  # type: ignore[union-attr]
        if item.label == "First aid"
    )
    return recognition.recognition_add(
        pathway=pathway,
        definition=pathway.published_version.definition,  # type: ignore[union-attr]
        actor=world.people["admin"],
        step_id=_steps(pathway)[step],
        counts_as=parts_ref,
        issuer_id=issuer_did(world.other),
        achievement_id=document["credentialSubject"]["achievement"]["id"],
        **extra,
    )


def _map(client: Any, world: Any, pathway: Pathway) -> str:
    client.force_login(world.people["learner"])
    kwargs = {"slug": world.org.slug, "public_id": pathway.public_id}
    client.post(reverse("pathways:enrol", kwargs=kwargs))
    return str(client.get(reverse("pathways:map", kwargs=kwargs)).content.decode())


def _state(page: str, pathway: Pathway, title: str) -> str:
    marker = f'id="step-{_steps(pathway)[title]}" data-state="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_credit_per_system_counts_in_each_step_of_that_system(client: Any, world: Any) -> None:
    pathway, parts = _trainer(world)
    document = _external(world)
    _recognise(world, pathway, "Study", document, system_credits={"ECTS": 5, "CPD hours": 10})
    wallet.credential_import(user=world.people["learner"], data=json.dumps(document).encode())
    page = _map(client, world, pathway)
    assert _state(page, pathway, "Study") == "done"  # 5 ECTS
    assert _state(page, pathway, "Practice") == "done"  # 10 CPD hours, not 5
    assert "counts as “First aid” in the step “Study” for 5 ECTS" in page
    # the goal issued itself (the award rule counted the same values)
    assert len(credentials_of(world.org, parts["goal"], world.people["learner"])) == 1


def test_one_credit_value_counts_the_same_in_every_system(client: Any, world: Any) -> None:
    pathway, parts = _trainer(world)
    document = _external(world)
    _recognise(world, pathway, "Study", document, credit=5)
    wallet.credential_import(user=world.people["learner"], data=json.dumps(document).encode())
    page = _map(client, world, pathway)
    assert _state(page, pathway, "Study") == "done"
    assert _state(page, pathway, "Practice") == "in_progress"  # 5 of 10 CPD hours
    assert credentials_of(world.org, parts["goal"], world.people["learner"]) == []


def test_a_recognition_restricted_to_its_step_counts_only_there(client: Any, world: Any) -> None:
    pathway, parts = _trainer(world)
    learner = world.people["learner"]
    document = _external(world)
    _recognise(world, pathway, "Practice", document, credit=10, only_in_step=True)
    wallet.credential_import(user=learner, data=json.dumps(document).encode())
    issue(world.org, world.people["admin"], parts["co"], learner)  # 4 ECTS, 8 CPD hours
    page = _map(client, world, pathway)
    assert _state(page, pathway, "Practice") == "done"  # 8 + 10
    assert _state(page, pathway, "Study") == "in_progress"  # 4 of 5: First aid not here
    assert _state(page, pathway, "Own first aid") == "available"
    [fact] = person_facts(organisation=world.org, user_id=learner.pk).facts(
        (CREDENTIAL_HELD, f"achievement:{parts['fa'].public_id}")
    )
    assert fact.scope == f"achievement:{parts['goal'].public_id}#{_steps(pathway)['Practice']}"
    assert credentials_of(world.org, parts["goal"], learner) == []
    # the same recognition, not restricted, completes everything
    Recognition.objects.update(only_in_step=False)
    from microcred_web.awards.services import awards_evaluate

    awards_evaluate(organisation=world.org, user_ids=[learner.pk])
    assert len(credentials_of(world.org, parts["goal"], learner)) == 1


def test_the_editor_states_credit_per_system_and_the_restriction(client: Any, world: Any) -> None:
    pathway, _parts = _trainer(world)
    document = _external(world)
    client.force_login(world.people["admin"])
    editor = reverse("pathways:editor", kwargs={"slug": world.org.slug, "pathway_id": pathway.pk})
    page = client.get(editor).content.decode()
    assert "Credit in ECTS" in page and "Credit in CPD hours" in page
    target = reverse(
        "pathways:recognitions", kwargs={"slug": world.org.slug, "pathway_id": pathway.pk}
    )
    fa_ref = next(
        item.ref
        for item in pathway.published_version.definition.items()  # type: ignore[union-attr]
        if item.label == "First aid"
    )
    values = {
        "counts_as": f"{_steps(pathway)['Study']} {fa_ref}",
        "issuer_id": issuer_did(world.other),
        "achievement_id": document["credentialSubject"]["achievement"]["id"],
        "credit_system": ["ECTS", "CPD hours", "workload hours"],
        "credit_in": ["5", "", "7"],
        "only_in_step": "1",
    }
    refused = client.post(target, values)
    assert refused.status_code == 400
    assert "counts no credit in “workload hours”" in refused.content.decode()
    values["credit_system"], values["credit_in"] = ["ECTS", "CPD hours"], ["5", ""]
    assert client.post(target, values).status_code == 302
    made = Recognition.objects.get(pathway=pathway)
    assert (made.system_credits, made.only_in_step) == ({"ECTS": 5.0}, True)
    assert "5 ECTS, only in its step" in client.get(editor).content.decode()
