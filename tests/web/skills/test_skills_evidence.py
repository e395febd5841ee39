"""Credentials carry skills as OB 3.0 alignments and feed profiles through evidence rows."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from skills_helpers import FORKLIFT_URI, case_bytes

from microcred.skills import EvidenceKind, Standing
from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services as issuing
from microcred_web.skills import evidence, importing, selectors, services
from microcred_web.skills.models import SkillEvidence
from microcred_web.skills.receivers import _Batch
from microcred_web.wallet import services as wallet


def profile(world, user):
    return {
        line.skill.uri: line.state
        for line in selectors.profile_lines(organisation=world.org, user=user)
    }


def test_issued_credential_carries_the_alignment(skills, issue_to):
    credential = issue_to(skills.achievement, skills.world.people["learner"])
    achievement = json.loads(credential.signed_json)["credentialSubject"]["achievement"]
    [entry] = achievement["alignment"]
    assert entry == {
        "type": ["Alignment"],
        "targetName": "Forklift operation",
        "targetUrl": FORKLIFT_URI,
        "targetFramework": "Warehouse Skills Framework",
        "targetDescription": "Operate a forklift truck safely, including pre-use checks.",
        "targetCode": "MH.1",
        "targetType": "CFItem",
    }


def test_aligning_a_published_achievement_makes_a_new_version(skills):
    before = skills.achievement.current_version.number
    services.alignment_set(
        achievement=skills.achievement,
        actor=skills.world.people["admin"],
        rows=[(skills.forklift.pk, 3), (skills.stock.pk, 2)],
    )
    skills.achievement.refresh_from_db()
    version = skills.achievement.current_version
    assert version.number == before + 1
    assert {a["targetName"] for a in version.achievement_json["alignment"]} == {
        "Forklift operation",
        "Stock control",
    }


def test_profile_from_an_issued_credential_is_verified(skills, issue_to):
    learner = skills.world.people["learner"]
    credential = issue_to(skills.achievement, learner)
    state = profile(skills.world, learner)[FORKLIFT_URI]
    assert (state.level, state.verified, state.kind) == (3, True, EvidenceKind.VERIFIED_CREDENTIAL)
    assert state.backing[0].source == f"credential:{credential.public_id}"
    assert "Signed by Acme Training" in state.backing[0].note
    # idempotent: syncing again adds nothing
    assert (
        evidence.evidence_sync_credentials(
            organisation=skills.world.org, credential_ids=[credential.pk]
        )
        == 0
    )


def test_revocation_removes_the_skill(skills, issue_to, django_capture_on_commit_callbacks):
    learner = skills.world.people["learner"]
    credential = issue_to(skills.achievement, learner)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.credential_revoke(
            credential=credential, actor=skills.world.people["admin"], reason="Issued in error"
        )
    assert FORKLIFT_URI not in profile(skills.world, learner)
    states = list(
        SkillEvidence.objects.filter(user=learner).order_by("id").values_list("state", flat=True)
    )
    assert states == ["active", "revoked"]  # appended, never edited


def test_expired_credential_lapses_and_a_new_one_restores(skills, issue_to):
    admin, learner = skills.world.people["admin"], skills.world.people["learner"]
    achievement_services.achievement_update(
        achievement=skills.achievement,
        actor=admin,
        values={"expiry_policy": "months", "expiry_months": 12},
    )
    skills.achievement.refresh_from_db()
    issue_to(skills.achievement, learner, now=timezone.now() - timedelta(days=400))
    state = profile(skills.world, learner)[FORKLIFT_URI]
    assert state.standing is Standing.LAPSED and not state.verified
    issue_to(skills.achievement, learner)
    assert profile(skills.world, learner)[FORKLIFT_URI].verified


def test_credential_to_an_address_counts_once_the_member_is_known(skills, issue_to):
    learner = skills.world.people["learner"]
    issue_to(skills.achievement, learner)  # issued to the e-mail, not claimed
    assert profile(skills.world, learner)[FORKLIFT_URI].held


def test_verified_import_from_another_issuer_adds_external_skills(
    skills, django_capture_on_commit_callbacks
):
    """Globex issues a credential aligned to the same CASE item; the learner imports it."""
    world = skills.world
    other_admin = world.others["admin"]
    foreign = achievement_services.achievement_create(
        organisation=world.other,
        actor=other_admin,
        values={
            "name": "Lift truck driving",
            "description": "Drives a lift truck.",
            "criteria": "Observed.",
            "alignments": [
                {
                    "framework": "Warehouse Skills Framework",
                    "code": "MH.1",
                    "name": "Forklift operation",
                    "url": FORKLIFT_URI,
                }
            ],
        },
    )
    version = achievement_services.achievement_publish(achievement=foreign, actor=other_admin)
    learner = world.people["learner"]
    (credential,) = issuing.credentials_issue(
        organisation=world.other,
        achievement_version=version,
        recipients=[issuing.RecipientInput(email="lea@elsewhere.example", name="Lea")],
        actor=other_admin,
        source="test",
        deliver=False,
    )
    tampered = json.loads(credential.signed_json)
    tampered["credentialSubject"]["achievement"]["name"] = "Forklift MASTER"
    with django_capture_on_commit_callbacks(execute=True):
        bad = wallet.credential_import(user=learner, data=json.dumps(tampered).encode())
    assert bad.label == "tampered"
    assert FORKLIFT_URI not in profile(world, learner)
    with django_capture_on_commit_callbacks(execute=True):
        good = wallet.credential_import(user=learner, data=credential.signed_json.encode())
    assert good.label == "valid"
    state = profile(world, learner)[FORKLIFT_URI]
    assert state.verified and state.external and state.level == 1
    with django_capture_on_commit_callbacks(execute=True):
        wallet.imported_delete(imported=good, user=learner)
    assert FORKLIFT_URI not in profile(world, learner)


def test_gaps_against_current_and_target_roles(skills, issue_to):
    world, admin, learner = (
        skills.world,
        skills.world.people["admin"],
        skills.world.people["learner"],
    )
    operative = services.job_role_save(
        organisation=world.org,
        actor=admin,
        name="Warehouse operative",
        requirements=[(skills.forklift.pk, 3, 2)],
    )
    lead = services.job_role_save(
        organisation=world.org,
        actor=admin,
        name="Warehouse team lead",
        requirements=[(skills.forklift.pk, 3, 1), (skills.stock.pk, 2, 1)],
    )
    services.person_role_set(
        organisation=world.org, actor=admin, user=learner, current=operative, targets=[lead]
    )
    before = {
        v.role.name: v.gap.match_percent
        for v in selectors.gaps_of(organisation=world.org, user=learner)
    }
    assert before == {"Warehouse operative": 0.0, "Warehouse team lead": 0.0}
    issue_to(skills.achievement, learner)
    after = {v.role.name: v.gap for v in selectors.gaps_of(organisation=world.org, user=learner)}
    assert after["Warehouse operative"].match_percent == 100.0
    assert after["Warehouse team lead"].match_percent == 50.0
    assert [i.skill for i in after["Warehouse team lead"].missing] == [str(skills.stock.pk)]


def test_changing_the_level_updates_credentials_already_issued(
    skills, issue_to, django_capture_on_commit_callbacks
):
    learner = skills.world.people["learner"]
    issue_to(skills.achievement, learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.alignment_set(
            achievement=skills.achievement,
            actor=skills.world.people["admin"],
            rows=[(skills.forklift.pk, 4)],
        )
    assert profile(skills.world, learner)[FORKLIFT_URI].level == 4
    assert list(SkillEvidence.objects.values_list("level", flat=True).order_by("id")) == [3, 4]


def test_a_framework_imported_after_issuing_picks_up_earlier_credentials(
    world, django_capture_on_commit_callbacks
):
    """The credential names the CASE item's URI before the framework exists here."""
    admin, learner = world.people["admin"], world.people["learner"]
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=admin,
        values={
            "name": "Forklift safety",
            "description": "Drives a forklift.",
            "criteria": "Observed.",
            "alignments": [{"name": "Forklift operation", "url": FORKLIFT_URI}],
        },
    )
    version = achievement_services.achievement_publish(achievement=achievement, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.credentials_issue(
            organisation=world.org,
            achievement_version=version,
            recipients=[issuing.RecipientInput(email=learner.email)],
            actor=admin,
            source="test",
            deliver=False,
        )
    assert not SkillEvidence.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        importing.framework_import_case(organisation=world.org, actor=admin, content=case_bytes())
    state = profile(world, learner)[FORKLIFT_URI]
    assert state.verified and state.level == 1  # no level set: the scale's lowest


def test_suspension_pauses_and_reinstating_restores_in_one_test_run(
    skills, issue_to, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    credential = issue_to(skills.achievement, learner)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.credential_suspend(credential=credential, actor=world.people["admin"], reason="x")
    assert FORKLIFT_URI not in profile(world, learner)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.credential_unsuspend(
            credential=credential, actor=world.people["admin"], reason="cleared"
        )
    assert profile(world, learner)[FORKLIFT_URI].verified


def test_a_bulk_revocation_queues_one_task(skills, issue_to, django_capture_on_commit_callbacks):
    world = skills.world
    credentials = [issue_to(skills.achievement, world.people[r]) for r in ("learner", "manager")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issuing.credentials_revoke(
            credentials=credentials, actor=world.people["admin"], reason="Course withdrawn"
        )
    batches = [c for c in callbacks if isinstance(c, _Batch)]
    assert len(batches) == 1 and batches[0].ids == {world.org.pk: {c.pk for c in credentials}}
    assert selectors.profile_lines(organisation=world.org, user=world.people["manager"]) == []
