"""Skills that travel: an assessed skill issued as its own Competency credential (0024)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from skills_helpers import FORKLIFT_URI, VALUES, case_bytes, esco_files

from microcred_web.achievements import services as achievement_services
from microcred_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    Requirement,
    RequirementKind,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential
from microcred_web.issuing.verification import credential_verify
from microcred_web.skills import importing, selectors, services, skill_credentials
from microcred_web.skills.models import Skill, SkillCredentialAchievement
from microcred_web.wallet import services as wallet

CLAIM = "skills:skill_credential_claim"


def _accepted(organisation, achievement, learner, status=AssessmentStatus.ACCEPTED):
    requirement = Requirement.objects.create(
        organisation=organisation,
        achievement=achievement,
        kind=RequirementKind.OBSERVATION,
        title="Observed forklift operation",
    )
    return Assessment.objects.create(
        organisation=organisation,
        requirement=requirement,
        learner=learner,
        status=status,
        accepted_at=timezone.now(),
    )


def _profile(world, user):
    return {
        line.skill.uri: line.state
        for line in selectors.profile_lines(organisation=world.org, user=user)
    }


def _claim(client, world, user, skill, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(
            reverse(CLAIM, kwargs={"slug": world.org.slug}), {"skill": str(skill.pk)}
        )


def test_claim_issues_one_signed_competency_credential(
    skills, client, django_capture_on_commit_callbacks
):
    world, learner = skills.world, skills.world.people["learner"]
    _accepted(world.org, skills.achievement, learner)
    client.force_login(learner)
    page = client.get(reverse("skills:mine", kwargs={"slug": world.org.slug}))
    assert "Claim as a skill credential" in page.content.decode()

    response = _claim(client, world, learner, skills.forklift, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    again = _claim(client, world, learner, skills.forklift, django_capture_on_commit_callbacks)
    assert again.status_code == 302
    [credential] = Credential.objects.filter(
        organisation=world.org, source_key__startswith="skill-credential:"
    )
    assert SkillCredentialAchievement.objects.filter(organisation=world.org).count() == 1

    document = json.loads(credential.signed_json)
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Competency"
    [entry] = achievement["alignment"]
    assert entry["targetUrl"] == FORKLIFT_URI
    assert entry["targetFramework"] == "Warehouse Skills Framework"
    assert entry["targetCode"] == "MH.1"
    assert entry["targetType"] == "CFItem"
    assert "credentialStatus" in document and "proof" in document

    verified = credential_verify(credential.signed_json, now=timezone.now())
    assert verified.report.verdict == "valid", verified.report.checks
    # the skill credential backs the skill on the profile, verified and not external
    state = _profile(world, learner)[FORKLIFT_URI]
    assert state.verified and not state.external and state.level == 3
    page = client.get(reverse("skills:mine", kwargs={"slug": world.org.slug}))
    assert "Skill credential issued" in page.content.decode()


def test_a_second_learner_reuses_the_competency_achievement(skills):
    world = skills.world
    first, second = world.people["learner"], world.people["manager"]
    for person in (first, second):
        _accepted(world.org, skills.achievement, person)
        skill_credentials.skill_credential_claim(
            organisation=world.org, user=person, skill_id=skills.forklift.pk
        )
    issued = Credential.objects.filter(
        organisation=world.org, source_key__startswith="skill-credential:"
    )
    assert issued.count() == 2
    assert len({c.achievement_version.achievement_id for c in issued}) == 1


@pytest.mark.parametrize("status", [AssessmentStatus.NOT_YET, AssessmentStatus.SUBMITTED])
def test_no_accepted_assessment_no_skill_credential(skills, status):
    world, learner = skills.world, skills.world.people["learner"]
    _accepted(world.org, skills.achievement, learner, status=status)
    with pytest.raises(ApplicationError) as raised:
        skill_credentials.skill_credential_claim(
            organisation=world.org, user=learner, skill_id=skills.forklift.pk
        )
    assert raised.value.code == "not_assessed"
    assert not Credential.objects.filter(source_key__startswith="skill-credential:").exists()


def test_cross_organisation_claims_are_refused(skills, client, django_capture_on_commit_callbacks):
    world = skills.world
    learner, outsider = world.people["learner"], world.others["learner"]
    _accepted(world.org, skills.achievement, learner)
    # a member of another organisation cannot use this organisation's page
    client.force_login(outsider)
    response = client.post(
        reverse(CLAIM, kwargs={"slug": world.org.slug}), {"skill": str(skills.forklift.pk)}
    )
    assert response.status_code == 404
    # the learner's acceptance in Acme proves nothing in Globex
    with pytest.raises(ApplicationError):
        skill_credentials.skill_credential_claim(
            organisation=world.other, user=learner, skill_id=skills.forklift.pk
        )
    # another person's assessment does not let this one claim
    response = _claim(
        client, world, world.people["manager"], skills.forklift, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert not Credential.objects.filter(source_key__startswith="skill-credential:").exists()


def test_imported_competency_credential_from_another_org_adds_a_verified_external_skill(
    skills, django_capture_on_commit_callbacks
):
    """Globex aligns its own copy of the CASE item, proves it by assessment and issues the
    skill credential; the Acme learner imports it into the wallet."""

    world = skills.world
    other_admin, learner = world.others["admin"], world.people["learner"]
    importing.framework_import_case(
        organisation=world.other, actor=other_admin, content=case_bytes()
    )
    their_skill = Skill.objects.get(organisation=world.other, uri=FORKLIFT_URI)
    theirs = achievement_services.achievement_create(
        organisation=world.other, actor=other_admin, values=VALUES
    )
    achievement_services.achievement_publish(achievement=theirs, actor=other_admin)
    services.alignment_set(achievement=theirs, actor=other_admin, rows=[(their_skill.pk, 4)])
    globex_learner = world.others["learner"]
    _accepted(world.other, theirs, globex_learner)
    credential = skill_credentials.skill_credential_claim(
        organisation=world.other, user=globex_learner, skill_id=their_skill.pk
    )
    assert (
        json.loads(credential.signed_json)["credentialSubject"]["achievement"]["achievementType"]
        == "Competency"
    )

    assert FORKLIFT_URI not in _profile(world, learner)
    with django_capture_on_commit_callbacks(execute=True):
        imported = wallet.credential_import(user=learner, data=credential.signed_json.encode())
    assert imported.label == "valid"
    state = _profile(world, learner)[FORKLIFT_URI]
    assert state.verified and state.external


def test_esco_skill_credential_verifies_and_revocation_withdraws_it(
    skills, django_capture_on_commit_callbacks
):
    """An ESCO skill (no CASE targetType) passes the strict signed-content rules; revoking the
    skill credential takes the skill off the profile."""
    world, admin, learner = (
        skills.world,
        skills.world.people["admin"],
        skills.world.people["learner"],
    )
    importing.framework_import_esco(organisation=world.org, actor=admin, **esco_files())
    esco = Skill.objects.get(organisation=world.org, label="operate forklift")
    course = achievement_services.achievement_create(
        organisation=world.org, actor=admin, values={**VALUES, "name": "Lift trucks"}
    )
    achievement_services.achievement_publish(achievement=course, actor=admin)
    services.alignment_set(achievement=course, actor=admin, rows=[(esco.pk, 2)])
    _accepted(world.org, course, learner)
    with django_capture_on_commit_callbacks(execute=True):
        credential = skill_credentials.skill_credential_claim(
            organisation=world.org, user=learner, skill_id=esco.pk
        )
    [entry] = json.loads(credential.signed_json)["credentialSubject"]["achievement"]["alignment"]
    assert entry["targetUrl"] == esco.uri and "targetType" not in entry
    assert credential_verify(credential.signed_json, now=timezone.now()).report.verdict == "valid"
    assert _profile(world, learner)[esco.uri].verified
    with django_capture_on_commit_callbacks(execute=True):
        issuing_services.credential_revoke(credential=credential, actor=admin, reason="Mistake")
    assert esco.uri not in _profile(world, learner)
