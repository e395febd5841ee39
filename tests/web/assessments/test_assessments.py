"""Assessment workflow through the services, views and the real issuing pipeline."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.model import AchievementCredential
from microcred.rules.facts import ASSESSMENT_ACCEPTED
from microcred_web.assessments import definitions, selectors, services
from microcred_web.assessments.models import AssessmentStatus, ReminderSent
from microcred_web.assessments.recertification import credential_chain, recertification_run
from microcred_web.assessments.signals import assessment_recorded
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.models import Credential
from microcred_web.notifications.models import Notification, NotificationPreference

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _levels(requirement, index: int) -> dict[str, str]:
    return {
        str(c.public_id): str(list(c.levels.all())[index].public_id)
        for c in requirement.criteria.all()
    }


def _submit(world, requirement):
    learner = world.people["learner"]
    assessment = services.assessment_start(requirement=requirement, learner=learner)
    services.evidence_file_add(assessment=assessment, actor=learner, upload=_pdf())
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): f"I did {c.title}" for c in requirement.criteria.all()},
        links=[{"url": "https://example.org/video", "title": "Video"}],
        make_public=True,
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    return assessment


def test_portfolio_resubmission_then_accepted_issues_verified_credential(
    world, portfolio, django_capture_on_commit_callbacks
) -> None:
    learner, assessor = world.people["learner"], world.people["assessor"]
    received: list[dict] = []
    assessment_recorded.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t1")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
        services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="not_yet",
            levels=_levels(portfolio, 0),
            feedback={str(portfolio.criteria.first().public_id): "Show the lift plan."},
            comment="Add the lift plan to your evidence.",
        )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.NOT_YET
    assert Notification.objects.filter(user=learner, kind="feedback").exists()
    assert any("Feedback" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, actor=learner)
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="competent",
            levels=_levels(portfolio, 2),
            feedback={},
        )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED and assessment.score == 100
    assert [s.number for s in assessment.submissions.all()] == [1, 2]
    assert assessment.reviews.count() == 2
    assert received and received[0]["user_ids"] == [learner.pk]
    credential = Credential.objects.get(source_key=f"assessment:{portfolio.pk}:{learner.pk}")
    document = credential.document
    AchievementCredential.from_json(document)
    results = document["credentialSubject"]["result"]
    assert {"value": "100", "type": ["Result"]}.items() <= results[-1].items()
    described = {d["id"] for d in document["credentialSubject"]["achievement"]["resultDescription"]}
    assert all(r["resultDescription"] in described for r in results)
    evidence = document["evidence"][0]
    assert "assessor" in evidence["narrative"].lower() or "by" in evidence["narrative"]
    assert evidence["id"].endswith(f"/evidence/{assessment.public_id}/")
    # idempotent: issuing again creates nothing
    assert services.assessment_issue_if_direct(assessment=assessment) is None
    facts = selectors.assessment_facts(organisation=world.org)[learner.pk]
    assert (
        facts[0].kind == ASSESSMENT_ACCEPTED and facts[0].ref == f"assessment:{portfolio.public_id}"
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"assessments.assessment_decided", "assessments.assessment_accepted"} <= actions
    decided = AuditEvent.objects.filter(action="assessments.assessment_decided").first()
    assert decided.actor == assessor


def test_conflicts_and_moderation_trail(
    world, portfolio, django_capture_on_commit_callbacks
) -> None:
    assessor, admin, manager = (
        world.people["assessor"],
        world.people["admin"],
        world.people["manager"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
    with pytest.raises(ApplicationError) as error:
        services.assessment_assign(
            assessment=assessment, actor=admin, assessor=world.people["learner"]
        )
    assert error.value.field == "assessor"
    definitions.policy_update(
        organisation=world.org, actor=admin, values={"block_team_managers": "on", "sla_days": 7}
    )
    from microcred_web.orgs.models import Membership
    from microcred_web.orgs.services import membership_roles_set

    membership_roles_set(
        membership=Membership.objects.get(user=manager, organisation=world.org),
        roles=["manager", "assessor"],
        actor=admin,
    )
    with pytest.raises(ApplicationError, match="own teams"):
        services.assessment_assign(assessment=assessment, actor=admin, assessor=manager)
    services.assessment_assign(
        assessment=assessment, actor=admin, assessor=assessor, moderator=admin
    )
    services.assessment_review(
        assessment=assessment,
        actor=assessor,
        decision="not_yet",
        levels=_levels(portfolio, 0),
        feedback={},
        comment="Not enough evidence.",
    )
    services.assessment_dispute(
        assessment=assessment, actor=world.people["learner"], reason="I showed the plan."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_moderate(
            assessment=assessment, actor=admin, decision="competent", comment="Plan is on page 2."
        )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    trail = [(r.kind, r.decision) for r in selectors.decision_trail(assessment)]
    assert trail == [("assessment", "not_yet"), ("moderation", "competent")]
    assert AuditEvent.objects.filter(
        action="assessments.decision_disputed", data__reason="I showed the plan."
    ).exists()


def test_rpl_granted_says_so(world, rpl, django_capture_on_commit_callbacks) -> None:
    learner, assessor = world.people["learner"], world.people["assessor"]
    assessment = services.assessment_start(requirement=rpl, learner=learner)
    with pytest.raises(ApplicationError) as error:
        services.assessment_submit(assessment=assessment, actor=learner)
    assert error.value.field.startswith("reflection-")
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): "Ten years" for c in rpl.criteria.all()},
        prior_learning="Ten years as a rigger; NVQ level 3.",
        referees=[{"name": "Pat Lee", "role": "Site manager", "statement": "Safe every day."}],
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="competent",
            levels=_levels(rpl, 1),
            feedback={},
        )
    credential = Credential.objects.get(source_key=f"assessment:{rpl.pk}:{learner.pk}")
    document = credential.document
    AchievementCredential.from_json(document)
    assert any(
        r.get("value") == "Recognition of prior learning"
        for r in document["credentialSubject"]["result"]
    )
    assert "prior learning" in document["evidence"][0]["narrative"]
    assert "id" not in document["evidence"][0]  # not made public


def test_observation_by_manager_and_recertification_chain(
    world, portfolio, observation_req, django_capture_on_commit_callbacks
) -> None:
    learner, manager = world.people["learner"], world.people["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
        services.assessment_assign(
            assessment=assessment, actor=world.people["assessor"], assessor=world.people["assessor"]
        )
        services.assessment_review(
            assessment=assessment,
            actor=world.people["assessor"],
            decision="competent",
            levels=_levels(portfolio, 1),
            feedback={},
        )
    old = Credential.objects.get(source_key__startswith="assessment:")
    assert old.valid_until is not None
    # 29 days before expiry: one reminder (the 30-day one), a case opened; running again: nothing
    clock = old.valid_until - timedelta(days=29)
    counts = recertification_run(now=clock)
    assert counts == {"reminders": 1, "expired": 0, "cases": 1}
    assert recertification_run(now=clock) == {"reminders": 0, "expired": 0, "cases": 0}
    assert set(ReminderSent.objects.values_list("offset_days", flat=True)) == {60, 30}
    assert Notification.objects.filter(user=learner, kind="due_soon").count() == 2
    # the manager of the learner's team observes; a stranger manager cannot
    with pytest.raises(ApplicationError):
        services.observation_record(
            requirement=observation_req,
            learner=learner,
            actor=world.others["manager"],
            observed_on=date(2025, 1, 1),
            place="Dock",
            notes="",
            items={},
        )
    case = old.recertification
    with django_capture_on_commit_callbacks(execute=True):
        observed = services.observation_record(
            requirement=observation_req,
            learner=learner,
            actor=manager,
            observed_on=clock.date(),
            place="Dock 4",
            notes="Textbook lift.",
            items={str(c.public_id): True for c in observation_req.criteria.all()},
            recertification=case,
            now=clock,
        )
    assert observed.status == AssessmentStatus.ACCEPTED
    case.refresh_from_db()
    renewed = case.renewed_credential
    assert renewed is not None and renewed.pk != old.pk
    assert old.revoked_at is None
    assert credential_chain(renewed) == [renewed, old]
    assert selectors.credential_notes(old)[0]["kind"] == "superseded"
    document = renewed.document
    AchievementCredential.from_json(document)
    assert any(
        e.get("id", "").endswith(f"/credentials/{old.public_id}")
        or str(old.public_id) in e.get("id", "")
        for e in document["evidence"]
    )
    # expiry notice for an expired credential, once
    later = old.valid_until + timedelta(days=1)
    NotificationPreference.objects.create(user=learner, kind="expired", in_app=True, email=False)
    assert recertification_run(now=later)["expired"] == 0  # superseded: no expiry notice


def test_hostile_uploads_refused(world, portfolio, settings) -> None:
    learner = world.people["learner"]
    assessment = services.assessment_start(requirement=portfolio, learner=learner)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * 5_000_000)
    cases = [
        SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>", "text/html"),
        SimpleUploadedFile("x.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml"),
        SimpleUploadedFile("x.txt", b"  <script>alert(1)</script>", "text/plain"),
        SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary", "application/pdf"),
        SimpleUploadedFile("bomb.docx", bomb.getvalue(), "application/octet-stream"),
        SimpleUploadedFile("a.zip", _zip(), "application/zip"),
    ]
    for upload in cases:
        with pytest.raises(ApplicationError) as error:
            services.evidence_file_add(assessment=assessment, actor=learner, upload=upload)
        assert error.value.field == "file", upload.name
    settings.ASSESSMENT_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ApplicationError, match="larger"):
        services.evidence_file_add(assessment=assessment, actor=learner, upload=_pdf())
    assert assessment.files.count() == 0


def _zip() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("a.txt", "hello")
    return data.getvalue()


def test_evidence_files_served_only_to_those_allowed(
    world, portfolio, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
    evidence = assessment.files.get()
    url = reverse(
        "assessments:evidence_file", kwargs={"slug": world.org.slug, "file_id": evidence.public_id}
    )
    expected = {"learner": 200, "admin": 200, "assessor": 404, "manager": 404, "issuer": 404}
    for role, status in expected.items():
        client.force_login(world.people[role])
        response = client.get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
            assert b"".join(response.streaming_content) == PDF
    services.assessment_assign(
        assessment=assessment, actor=world.people["assessor"], assessor=world.people["assessor"]
    )
    client.force_login(world.people["assessor"])
    assert client.get(url).status_code == 200
    # another learner of the same organisation sees neither the file nor the assessment
    from microcred_web.accounts.models import User
    from microcred_web.orgs.services import membership_add

    other = User.objects.create_user("other@acme.example", "pw-123456789", display_name="Other")
    membership_add(organisation=world.org, user=other, roles=["learner"])
    client.force_login(other)
    assert client.get(url).status_code == 404
    detail = reverse(
        "assessments:evidence_detail",
        kwargs={"slug": world.org.slug, "assessment_id": assessment.pk},
    )
    assert client.get(detail).status_code == 404
    client.force_login(world.others["admin"])
    assert client.get(url).status_code == 404


def test_learner_views_and_queue(world, portfolio, client) -> None:
    learner, assessor = world.people["learner"], world.people["assessor"]
    client.force_login(learner)
    start = reverse(
        "assessments:evidence_start",
        kwargs={"slug": world.org.slug, "requirement_id": portfolio.pk},
    )
    response = client.post(start)
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail)
    assert b"Reflection: Plans the lift" in page.content
    upload = reverse(
        "assessments:evidence_upload",
        kwargs={"slug": world.org.slug, "assessment_id": page.context["assessment"].pk},
    )
    client.post(upload, {"file": _pdf()})
    data = {f"reflection-{c.public_id}": "My reflection" for c in portfolio.criteria.all()}
    response = client.post(detail, {**data, "action": "submit"})
    assert response.status_code == 302
    client.force_login(assessor)
    queue = client.get(reverse("assessments:queue", kwargs={"slug": world.org.slug}))
    assert learner.display_name.encode() in queue.content
    overdue = client.get(
        reverse("assessments:queue", kwargs={"slug": world.org.slug}), {"due": "overdue"}
    )
    assert b"No assessment matches these filters" in overdue.content
    client.force_login(learner)
    bell = client.get(reverse("notifications:list", kwargs={"slug": world.org.slug}))
    assert bell.status_code == 200
