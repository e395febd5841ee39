"""The assessment e-mails: new submission (to assessors), feedback (not yet / competent),
countersignature request, expiry reminder and recertification — each branded, with one
button to the right page, unsubscribable, in the recipient's language."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred_web.assessments import definitions, services
from microcred_web.assessments.recertification import recertification_run
from microcred_web.issuing.services import RecipientInput, credentials_issue

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _french(user) -> None:
    user.preferred_language = "fr"
    user.save()


def _submit(world, requirement):
    learner = world.people["learner"]
    assessment = services.assessment_start(requirement=requirement, learner=learner)
    services.evidence_file_add(
        assessment=assessment,
        actor=learner,
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    services.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): f"I did {c.title}" for c in requirement.criteria.all()},
    )
    services.assessment_submit(assessment=assessment, actor=learner)
    return assessment


def _levels(requirement, index: int) -> dict[str, str]:
    return {
        str(c.public_id): str(list(c.levels.all())[index].public_id)
        for c in requirement.criteria.all()
    }


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_new_submission_e_mail_to_assessors_in_their_language(
    world, portfolio, branded_email, django_capture_on_commit_callbacks
) -> None:
    _french(world.people["assessor"])
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
    [message] = _to("assessor@acme.example")
    branded_email(
        message,
        greeting="Bonjour Test Person,",
        button_path=f"/o/acme/assessments/{assessment.pk}/",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert "Test Person a soumis des preuves pour « Lifting portfolio »" in message.subject
    assert "Examiner les preuves" in message.body


def test_feedback_not_yet_in_english_and_competent_in_french_with_the_french_name(
    world, portfolio, achievement, branded_email, django_capture_on_commit_callbacks
) -> None:
    achievement.translations = {"fr": {"name": "Levage en sécurité"}}
    achievement.save()
    assessor = world.people["assessor"]
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submit(world, portfolio)
        services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="not_yet",
            levels=_levels(portfolio, 0),
            feedback={},
            comment="Show the lift plan.",
        )
    [not_yet] = _to("learner@acme.example")
    branded_email(
        not_yet,
        greeting="Hello Test Person,",
        button_path=f"/o/acme/evidence/{assessment.pk}/",
        organisation=world.org,
        essential=False,
        preferences=True,
    )
    assert not_yet.subject == "Feedback on “Lifting portfolio”: not yet"
    assert "not yet competent" in not_yet.body and "Safe lifting" in not_yet.body
    _french(world.people["learner"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, actor=world.people["learner"])
        services.assessment_review(
            assessment=assessment,
            actor=assessor,
            decision="competent",
            levels=_levels(portfolio, 2),
            feedback={},
        )
    competent = [m for m in _to("learner@acme.example") if "compétent" in m.subject]
    assert len(competent) == 1, [m.subject for m in mail.outbox]
    branded_email(
        competent[0],
        greeting="Bonjour Test Person,",
        button_path=f"/o/acme/evidence/{assessment.pk}/",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert "« Levage en sécurité »" in competent[0].body
    assert "Safe lifting" not in competent[0].body


def test_countersign_request_e_mail(
    world, achievement, branded_email, django_capture_on_commit_callbacks
) -> None:
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=achievement,
        kind="observation",
        title="Lift observed",
        countersignature_required=True,
    )
    definitions.criterion_add(
        requirement=requirement, actor=world.people["admin"], title="Checks the load"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = services.observation_record(
            requirement=requirement,
            learner=world.people["learner"],
            actor=world.people["assessor"],
            observed_on=date.today(),
            place="Dock 4",
            notes="Fine.",
            items={str(c.public_id): True for c in requirement.criteria.all()},
        )
    [message] = _to("learner@acme.example")
    branded_email(
        message,
        greeting="Hello Test Person,",
        button_path=f"/o/acme/evidence/{assessment.pk}/",
        organisation=world.org,
        essential=False,
        preferences=True,
    )
    assert message.subject == "Please countersign your observation for “Lift observed”"
    assert "Countersign the observation" in message.body


def test_expiry_reminder_and_recertification_e_mails_in_french(
    world, achievement, observation_req, branded_email, django_capture_on_commit_callbacks
) -> None:
    achievement.translations = {"fr": {"name": "Levage en sécurité"}}
    achievement.save()
    _french(world.people["learner"])
    credential = credentials_issue(
        organisation=world.org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email="learner@acme.example", source_key="old")],
        actor=world.people["admin"],
        source="test",
        now=timezone.now() - timedelta(days=65),
        deliver=False,
    )[0]
    clock = credential.valid_until - timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        recertification_run(now=clock)
    messages = _to("learner@acme.example")
    reminder = [m for m in messages if "expire dans 20 jours" in m.subject]
    opened = [m for m in messages if "Recertification ouverte" in m.subject]
    assert len(reminder) == 1 and len(opened) == 1, [m.subject for m in messages]
    branded_email(
        reminder[0],
        greeting="Bonjour Test Person,",
        button_path=f"/credentials/{credential.public_id}",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert "Levage en sécurité" in reminder[0].subject
    branded_email(
        opened[0],
        greeting="Bonjour Test Person,",
        button_path="/o/acme/evidence/",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert "Refresher observation" in opened[0].body


def test_assignment_e_mail_to_a_french_assessor(
    world, portfolio, branded_email, django_capture_on_commit_callbacks
) -> None:
    assessor = world.people["assessor"]
    _french(assessor)
    assessment = _submit(world, portfolio)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_assign(
            assessment=assessment, actor=world.people["admin"], assessor=assessor
        )
    [message] = _to("assessor@acme.example")
    branded_email(
        message,
        greeting="Bonjour Test Person,",
        button_path=f"/o/acme/assessments/{assessment.pk}/",
        organisation=world.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert message.subject == "« Lifting portfolio » de Test Person vous a été attribué"
    assert "Ouvrir l’évaluation" in message.body
