"""Events within seconds (issue 17 item 9): a credential earned or revoked and an assessment
accepted update profiles through the real database-backed task queue, drained by the real
``db_worker`` command (``--batch``); running the work twice changes nothing, and the API
reads the updated profile."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from skills_assessed_helpers import accept, rubric_requirement

from microcred.skills import EvidenceKind
from microcred_web.assessments.models import Criterion
from microcred_web.issuing import services as issuing
from microcred_web.orgs.models import Membership
from microcred_web.skills import endorsements, learning_alignments, selectors
from microcred_web.skills.models import SkillEvidence
from microcred_web.skills.tasks import skills_credentials_task, skills_people_task

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db(transaction=True)


def finished() -> list[tuple[str, str, object]]:
    return [
        (r.task_path.rsplit(".", 1)[-1], r.status, r.return_value)
        for r in DBTaskResult.objects.order_by("enqueued_at", "id")
    ]


def _state(world, user, skill):
    lines = selectors.profile_lines(organisation=world.org, user=user)
    return next((line.state for line in lines if line.skill.pk == skill.pk), None)


def _issue(skills, user):
    (credential,) = issuing.credentials_issue(
        organisation=skills.achievement.organisation,
        achievement_version=skills.achievement.current_version,
        recipients=[issuing.RecipientInput(email=user.email, name="Someone")],
        actor=skills.world.people["issuer"],
        source="test",
        deliver=False,
    )
    return credential


@override_settings(TASKS=DB_QUEUE)
def test_issue_then_revoke_through_the_worker_and_twice_changes_nothing(client, skills):
    world, learner = skills.world, skills.world.people["learner"]
    credential = _issue(skills, learner)
    queued = DBTaskResult.objects.filter(status="READY")
    assert [r.task_path.rsplit(".", 1)[-1] for r in queued] == ["skills_credentials_task"]
    assert _state(world, learner, skills.forklift) is None  # queued, not yet run

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    assert finished()[-1][1:] == ("SUCCESSFUL", 1)
    state = _state(world, learner, skills.forklift)
    assert state.held and state.verified and state.level == 3

    # the same work again (a duplicate event): nothing appended
    rows = SkillEvidence.objects.count()
    skills_credentials_task.enqueue(organisation_id=world.org.pk, credential_ids=[credential.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    assert finished()[-1][1:] == ("SUCCESSFUL", 0) and SkillEvidence.objects.count() == rows

    # the API reads the profile the worker wrote (shown to the organisation)
    endorsements.visibility_set(
        organisation=world.org, user=learner, skill=skills.forklift, visibility="organisation"
    )
    _key, secret = issuing.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="HR"
    )
    member = Membership.objects.get(organisation=world.org, user=learner)
    url = f"/api/v1/orgs/{world.org.slug}/skills/people/{member.pk}/profile"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    [read] = client.get(url, **auth).json()["skills"]
    assert (read["label"], read["held"], read["verified"]) == ("Forklift operation", True, True)

    issuing.credential_revoke(credential=credential, actor=world.people["admin"], reason="Error")
    assert _state(world, learner, skills.forklift).held  # until the worker runs
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    assert finished()[-1][1:] == ("SUCCESSFUL", 1)
    assert _state(world, learner, skills.forklift) is None  # a revoked source backs nothing
    assert client.get(url, **auth).json()["skills"] == []
    rows = SkillEvidence.objects.count()
    skills_credentials_task.enqueue(organisation_id=world.org.pk, credential_ids=[credential.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    assert SkillEvidence.objects.count() == rows


@override_settings(TASKS=DB_QUEUE)
def test_accepted_assessment_through_the_worker(skills, django_capture_on_commit_callbacks):
    world, learner = skills.world, skills.world.people["learner"]
    requirement = rubric_requirement(world, skills.achievement)
    plans = Criterion.objects.get(requirement=requirement, title="Plans the lift")
    target = learning_alignments.target_get(
        organisation=world.org, kind="criterion", object_id=plans.pk
    )
    learning_alignments.learning_alignment_set(
        organisation=world.org,
        actor=world.people["admin"],
        target=target,
        rows=[(skills.stock.pk, 2)],
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    accept(
        world,
        requirement,
        learner,
        {"Plans the lift": "Expert"},
        django_capture_on_commit_callbacks,
    )
    assert _state(world, learner, skills.stock) is None  # queued
    assert "skills_people_task" in [
        r.task_path.rsplit(".", 1)[-1] for r in DBTaskResult.objects.filter(status="READY")
    ]
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    state = _state(world, learner, skills.stock)
    assert (state.kind, state.level, state.verified) == (EvidenceKind.ASSESSED_RESULT, 2, False)
    # the direct credential of the (aligned) achievement was issued too: forklift verified
    assert _state(world, learner, skills.forklift).verified
    rows = SkillEvidence.objects.count()
    skills_people_task.enqueue(organisation_id=world.org.pk, user_ids=[learner.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)
    assert SkillEvidence.objects.count() == rows
    assert all(status == "SUCCESSFUL" for _name, status, _value in finished())
