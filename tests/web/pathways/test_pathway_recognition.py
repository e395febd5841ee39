"""Recognition of credentials from elsewhere (issue 18 item 3), the goal credential naming its
components (item 4) and the CLR 2.0 transcript grouped by pathway."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone
from pathways_helpers import Lead, build_lead, credentials_of, issue, make_achievement

from microcred.did import MapResolver, did_web_to_url
from microcred.rules import CREDENTIAL_HELD
from microcred.verify import verify_credential
from microcred_web.assessments import definitions
from microcred_web.awards.selectors import person_facts
from microcred_web.awards.services import awards_evaluate
from microcred_web.issuing import services as issuing
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import Credential
from microcred_web.issuing.verification import credential_verify
from microcred_web.pathways import recognition, services
from microcred_web.pathways.models import Recognition
from microcred_web.wallet import services as wallet
from microcred_web.wallet.models import ImportedCredential

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "vectors" / "clr"


def url(name: str, org: Any, **kwargs: Any) -> str:
    return reverse(f"pathways:{name}", kwargs={"slug": org.slug, **kwargs})


def _lead(world: Any) -> Lead:
    lead = build_lead(world.org, world.people["admin"])
    services.pathway_publish(pathway=lead.pathway, actor=world.people["admin"])
    lead.pathway.refresh_from_db()
    return lead


def _elsewhere(world: Any, learner: Any) -> Credential:
    """A First Aid badge issued to the learner by another organisation (another issuer)."""
    admin = world.others["admin"]
    badge = make_achievement(world.other, admin, "Emergency First Aid at Work")
    return issue(world.other, admin, badge, learner)


def _recognise(world: Any, lead: Lead, external: Credential, **extra: Any) -> Recognition:
    achievement_id = external.document["credentialSubject"]["achievement"]["id"]
    return recognition.recognition_add(
        pathway=lead.pathway,
        definition=lead.pathway.published_version.definition,
        actor=world.people["admin"],
        step_id="options",
        counts_as=f"achievement:{lead.parts['first-aid'].public_id}",
        issuer_id=issuer_did(world.other),
        achievement_id=achievement_id,
        credit=2,
        **extra,
    )


def _import(learner: Any, document: dict[str, Any]) -> ImportedCredential:
    return wallet.credential_import(user=learner, data=json.dumps(document).encode())


def _held(world: Any, lead: Lead, part: str, learner: Any) -> Credential:
    """The learner's credential for ``part``, claimed into their wallet."""
    credential = Credential.objects.get(
        organisation=world.org,
        achievement_version__achievement=lead.parts[part],
        recipient_email=learner.email,
    )
    return issuing.credential_claim(credential=credential, user=learner)


def _first_aid_ref(lead: Lead) -> str:
    return f"achievement:{lead.parts['first-aid'].public_id}"


def _map(client: Any, world: Any, lead: Lead) -> str:
    client.force_login(world.people["learner"])
    client.post(url("enrol", world.org, public_id=lead.pathway.public_id))
    return client.get(url("map", world.org, public_id=lead.pathway.public_id)).content.decode()


def test_an_admin_recognises_an_external_badge_through_the_editor(client, world) -> None:
    lead = _lead(world)
    external = _elsewhere(world, world.people["learner"])
    achievement_id = external.document["credentialSubject"]["achievement"]["id"]
    client.force_login(world.people["admin"])
    target = url("recognitions", world.org, pathway_id=lead.pathway.pk)
    both = client.post(
        target,
        {
            "counts_as": f"options {_first_aid_ref(lead)}",
            "issuer_id": issuer_did(world.other),
            "achievement_id": achievement_id,
            "skill_uri": "https://example.org/skills/first-aid",
        },
    )
    assert both.status_code == 400 and "not both" in both.content.decode()
    wrong_step = client.post(
        target,
        {"counts_as": f"core {_first_aid_ref(lead)}", "skill_uri": "https://example.org/s"},
    )
    assert wrong_step.status_code == 400 and "of that step" in wrong_step.content.decode()
    added = client.post(
        target,
        {
            "counts_as": f"options {_first_aid_ref(lead)}",
            "issuer_id": issuer_did(world.other),
            "achievement_id": achievement_id,
            "credit": "2",
            "valid_for_days": "1095",
        },
    )
    assert added.status_code == 302
    page = client.get(url("editor", world.org, pathway_id=lead.pathway.pk)).content.decode()
    assert 'id="recognition-list"' in page and "for 1095 days after it was issued" in page
    made = Recognition.objects.get(pathway=lead.pathway)
    assert (made.counts_as, made.valid_for_days, made.credit) == (_first_aid_ref(lead), 1095, 2)
    # another organisation's admin cannot see or change it
    client.force_login(world.others["admin"])
    assert client.post(target, {"op": "remove", "recognition": made.pk}).status_code == 404
    client.force_login(world.people["admin"])
    client.post(target, {"op": "remove", "recognition": made.pk})
    assert not Recognition.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_verified_import_counts_and_the_goal_names_its_components(client, world) -> None:
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    imported = _import(learner, external.document)
    assert imported.label == "valid"
    facts = person_facts(organisation=world.org, user_id=learner.pk)
    assert facts.facts((CREDENTIAL_HELD, _first_aid_ref(lead)))  # what the award rules see
    page = _map(client, world, lead)
    assert 'id="step-options" data-state="done"' in page
    assert 'data-counts="yes"' in page and "counts as “First aid”" in page
    for part in ("forklift", "lifting"):
        issue(world.org, admin, lead.parts[part], learner)
    # the milestone (core + options) issued itself, naming the recognised badge
    [half] = credentials_of(world.org, lead.parts["half"], learner)
    names = {e["name"] for e in half.document["evidence"]}
    assert names == {"Forklift", "Lifting", "Emergency First Aid at Work"}
    for part in ("coaching", "rota"):
        issue(world.org, admin, lead.parts[part], learner)
    [goal] = credentials_of(world.org, lead.parts["goal"], learner)
    evidence = goal.document["evidence"]
    ids = [e["id"] for e in evidence]
    assert len(ids) == len(set(ids)) == 5  # four components issued here + the recognised one
    by_name = {e["name"]: e for e in evidence}
    forklift = _held(world, lead, "forklift", learner)
    assert by_name["Forklift"]["id"] == forklift.document["id"]
    assert by_name["Forklift"]["genre"] == "Component credential"
    recognised = by_name["Emergency First Aid at Work"]
    assert recognised["id"] == external.document["id"]
    assert recognised["genre"] == "Recognised credential" and "Globex" in recognised["narrative"]
    assert all(v is not None for e in evidence for v in e.values())
    # the signed goal credential verifies as issued (strict signed-content rules)
    report = credential_verify(json.dumps(goal.document).encode(), now=timezone.now()).report
    assert report.ok, [c.to_json() for c in report.checks if c.status == "fail"]


@pytest.mark.parametrize("damage", ["tampered", "revoked", "expired", "too_old", "not_holder"])
def test_a_damaged_import_does_not_count_and_the_map_says_why(client, world, damage) -> None:
    lead = _lead(world)
    learner = world.people["learner"]
    # not_holder: a genuine badge, but issued to someone else (its subject is their e-mail)
    external = _elsewhere(world, world.others["learner"] if damage == "not_holder" else learner)
    _recognise(world, lead, external, valid_for_days=30 if damage == "too_old" else None)
    document = copy.deepcopy(external.document)
    if damage == "tampered":
        document["credentialSubject"]["achievement"]["description"] = "Something else."
    if damage == "revoked":
        issuing.credential_revoke(credential=external, actor=world.others["admin"], reason="Error")
    imported = _import(learner, document)
    if damage == "expired":  # it expired after it was imported
        ImportedCredential.objects.filter(pk=imported.pk).update(
            expires_on=timezone.now() - timedelta(days=1)
        )
    if damage == "too_old":  # issued long before the 30 days the pathway accepts
        ImportedCredential.objects.filter(pk=imported.pk).update(
            issued_on=timezone.now() - timedelta(days=31)
        )
    page = _map(client, world, lead)
    assert 'id="step-options" data-state="available"' in page
    assert 'data-counts="no"' in page and 'data-counts="yes"' not in page
    reason = {
        "tampered": "it was changed after it was signed",
        "revoked": "its issuer revoked it",
        "expired": "it has expired",
        "too_old": "it was issued too long ago to count",
        "not_holder": "it was issued to another e-mail address than yours",
    }[damage]
    assert f"does not count toward “Options”: {reason}." in page
    facts = recognition.recognised_facts(world.org, [learner.pk])
    assert facts == {}


def test_recognitions_stay_in_their_organisation(client, world) -> None:
    lead = _lead(world)
    learner = world.people["learner"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    _import(learner, external.document)
    assert recognition.recognised_facts(world.org, [learner.pk])
    assert recognition.recognised_facts(world.other, [learner.pk]) == {}
    # a whole organisation's evaluation (many ids) takes the join path, same answer
    many = recognition.recognised_facts(world.org, [*range(10_000, 10_600), learner.pk])
    assert list(many) == [learner.pk]
    assert recognition.recognised_facts(world.other, [*range(10_000, 10_600), learner.pk]) == {}
    # the other organisation's members see neither the editor nor the map
    client.force_login(world.others["admin"])
    editor = client.get(url("editor", world.other, pathway_id=lead.pathway.pk))
    assert editor.status_code == 404
    client.force_login(world.others["learner"])
    assert client.get(url("map", world.other, public_id=lead.pathway.public_id)).status_code == 404


def test_the_map_offers_an_assessor_recognition_request(client, world) -> None:
    lead = _lead(world)
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=lead.parts["fire"],
        kind="rpl",
        title="Fire warden from elsewhere",
    )
    page = _map(client, world, lead)
    start = reverse(
        "assessments:evidence_start",
        kwargs={"slug": world.org.slug, "requirement_id": requirement.pk},
    )
    assert 'id="rpl-requests"' in page and start in page
    assert client.post(start).status_code == 302


def _as_vcdm11(document: dict[str, Any]) -> dict[str, Any]:
    """The VCDM 1.1 envelope the draft-04 port expects: ``issuanceDate`` from ``validFrom``,
    the 1.1 context first, a status entry of ``id`` and ``type`` only. The CLR content
    (ClrSubject, Achievement, Association) is left unchanged (see tests/vectors/clr/README)."""
    out = copy.deepcopy(document)
    for vc in [out, *out["credentialSubject"]["verifiableCredential"]]:
        vc["issuanceDate"] = vc["validFrom"]
        vc["@context"] = ["https://www.w3.org/2018/credentials/v1", *vc["@context"][1:]]
        if "credentialStatus" in vc:
            status = vc["credentialStatus"]
            vc["credentialStatus"] = {"id": status["id"], "type": status["type"]}
    return out


@pytest.mark.django_db(transaction=True)
def test_the_clr_transcript_groups_by_pathway_and_validates(client, world) -> None:
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    for part in ("forklift", "lifting", "first-aid", "coaching", "rota"):
        issue(world.org, admin, lead.parts[part], learner)
    chosen = [
        _held(world, lead, part, learner) for part in ("forklift", "coaching", "goal", "half")
    ]
    client.force_login(learner)
    response = client.post(
        reverse("wallet:clr"), {"credential": [str(c.public_id) for c in chosen]}
    )
    assert response.status_code == 200
    clr = json.loads(response.content)
    subject = clr["credentialSubject"]
    achievements = {a["name"]: a for a in subject["achievement"]}
    assert set(achievements) == {
        "Warehouse Team Lead Certificate",
        "Team lead: foundations",
        "Forklift",
        "Coaching",
    }
    assert achievements["Coaching"]["creditsAvailable"] == 4
    goal_id = achievements["Warehouse Team Lead Certificate"]["id"]
    links = {(a["associationType"], a["sourceId"], a["targetId"]) for a in subject["association"]}
    assert links == {
        ("isPartOf", achievements["Forklift"]["id"], goal_id),
        ("isPartOf", achievements["Coaching"]["id"], goal_id),
        ("isChildOf", achievements["Team lead: foundations"]["id"], goal_id),
    }
    # the signed transcript verifies (platform DID, issuer DID and status list from this site)
    docs = {}
    for did in (clr["issuer"]["id"], chosen[0].document["issuer"]["id"]):
        docs[did] = json.loads(client.get(urlsplit(did_web_to_url(did)).path).content)
    status_url = chosen[0].document["credentialStatus"]["statusListCredential"]
    docs[status_url] = json.loads(client.get(urlsplit(status_url).path).content)
    report = verify_credential(clr, now=timezone.now(), resolver=MapResolver(docs))
    assert report.ok, [c.to_json() for c in report.checks if c.status == "fail"]
    schema = json.loads((SCHEMA / "clr_v2p0_clrcredential_schema_draft4.json").read_text())
    jsonschema.Draft4Validator(schema).validate(_as_vcdm11(clr))
    broken = _as_vcdm11(clr)
    broken["credentialSubject"]["association"][0]["associationType"] = "isFriendOf"
    assert not jsonschema.Draft4Validator(schema).is_valid(broken)
    # a bundle with no pathway component has no grouping
    unrelated = make_achievement(world.org, admin, "Unrelated")
    other = issuing.credential_claim(
        credential=issue(world.org, admin, unrelated, learner), user=learner
    )
    plain = json.loads(
        client.post(reverse("wallet:clr"), {"credential": [str(other.public_id)]}).content
    )
    assert "association" not in plain["credentialSubject"]


@pytest.mark.django_db(transaction=True)
def test_importing_the_last_component_issues_the_milestone_and_goal(world) -> None:
    """The import itself triggers the award evaluation: nothing else needs to happen."""
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    external = _elsewhere(world, learner)
    _recognise(world, lead, external)
    for part in ("forklift", "lifting", "coaching", "rota"):
        issue(world.org, admin, lead.parts[part], learner)
    assert credentials_of(world.org, lead.parts["goal"], learner) == []
    tampered = copy.deepcopy(external.document)
    tampered["credentialSubject"]["achievement"]["name"] = "First Aid (edited)"
    _import(learner, tampered)  # a tampered copy issues nothing
    assert credentials_of(world.org, lead.parts["half"], learner) == []
    _import(learner, external.document)
    assert len(credentials_of(world.org, lead.parts["half"], learner)) == 1
    assert len(credentials_of(world.org, lead.parts["goal"], learner)) == 1
    _import(learner, external.document)  # importing again issues nothing twice
    assert len(credentials_of(world.org, lead.parts["goal"], learner)) == 1


def test_a_recognition_counts_its_own_credit_in_a_credit_step(client, world) -> None:
    """Recognised as Coaching (4 CPD hours) for 1: with Rota (3) the 6-hour step is not done;
    the map says what it counts for."""
    lead = _lead(world)
    learner, admin = world.people["learner"], world.people["admin"]
    external = _elsewhere(world, learner)
    definition = lead.pathway.published_version.definition
    [credit_step] = [step for step in definition.steps if step.kind == "credit"]
    made = recognition.recognition_add(
        pathway=lead.pathway,
        definition=definition,
        actor=admin,
        step_id=credit_step.id,
        counts_as=f"achievement:{lead.parts['coaching'].public_id}",
        issuer_id=issuer_did(world.other),
        achievement_id=external.document["credentialSubject"]["achievement"]["id"],
        credit=1,
    )
    _import(learner, external.document)
    issue(world.org, admin, lead.parts["rota"], learner)
    page = _map(client, world, lead)
    assert "counts as “Coaching” in the step “Leading people” for 1 CPD hours" in page
    assert "4 of 6 CPD hours credits" in page  # 1 + 3, not the item's 4 + 3
    assert f'id="step-{credit_step.id}" data-state="in_progress"' in page
    for part in ("forklift", "lifting", "first-aid"):
        issue(world.org, admin, lead.parts[part], learner)
    assert credentials_of(world.org, lead.parts["goal"], learner) == []  # the rule agrees
    made.credit = 3  # recognised for 3: 3 + 3 reaches the target
    made.save()
    awards_evaluate(organisation=world.org, user_ids=[learner.pk])
    assert len(credentials_of(world.org, lead.parts["goal"], learner)) == 1
    page = client.get(url("map", world.org, public_id=lead.pathway.public_id)).content.decode()
    assert "6 of 6 CPD hours credits" in page
