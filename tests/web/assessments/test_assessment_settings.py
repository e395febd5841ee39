"""The moderation sample, the learner's countersignature, the recertification command and task,
notification preferences and the manager's team-expiries page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from test_assessments import _levels, _submit

from microcred_web.assessments import definitions, services
from microcred_web.assessments.models import AssessmentStatus, ReminderSent, Requirement
from microcred_web.assessments.tasks import recertification_task
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.notifications.models import Notification, NotificationPreference
from microcred_web.notifications.services import notification_send


def _policy(world, **values: str) -> None:
    definitions.policy_update(
        organisation=world.org,
        actor=world.people["admin"],
        values={"sla_days": "7", "moderation_sample_percent": "0", **values},
    )


def _competent(world, requirement):
    assessor = world.people["assessor"]
    assessment = _submit(world, requirement)
    services.assessment_assign(assessment=assessment, actor=assessor, assessor=assessor)
    services.assessment_review(
        assessment=assessment,
        actor=assessor,
        decision="competent",
        levels=_levels(requirement, 1),
        feedback={},
    )
    assessment.refresh_from_db()
    return assessment


def test_full_sample_holds_competent_until_the_moderator_confirms(
    world, portfolio, django_capture_on_commit_callbacks
) -> None:
    admin = world.people["admin"]
    _policy(world, moderation_sample_percent="100")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _competent(world, portfolio)
    assert assessment.status == AssessmentStatus.MODERATION
    assert not Credential.objects.filter(source="assessment").exists()
    assert AuditEvent.objects.filter(action="assessments.moderation_sampled").exists()
    # the deciding assessor may not moderate their own decision
    with pytest.raises(ApplicationError):
        services.assessment_assign(
            assessment=assessment, actor=admin, moderator=world.people["assessor"]
        )
    services.assessment_assign(assessment=assessment, actor=admin, moderator=admin)
    with pytest.raises(ApplicationError) as error:
        services.assessment_moderate(
            assessment=assessment, actor=admin, decision="competent", comment=" "
        )
    assert error.value.field == "comment"
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_moderate(
            assessment=assessment, actor=admin, decision="competent", comment="Agreed."
        )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    credential = Credential.objects.get(source="assessment")
    assert "Moderated by" in credential.document["evidence"][0]["narrative"]


def test_no_sample_accepts_at_once(world, portfolio, django_capture_on_commit_callbacks) -> None:
    _policy(world, moderation_sample_percent="0")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _competent(world, portfolio)
    assert assessment.status == AssessmentStatus.ACCEPTED
    assert Credential.objects.filter(source="assessment").count() == 1


def test_sample_percentage_is_validated(world) -> None:
    with pytest.raises(ApplicationError) as error:
        _policy(world, moderation_sample_percent="101")
    assert error.value.field == "moderation_sample_percent"


@pytest.fixture
def signed_observation(world, achievement) -> Requirement:
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=world.people["admin"],
        achievement=achievement,
        kind="observation",
        title="Practical lift",
        countersignature_required=True,
    )
    definitions.criterion_add(requirement=requirement, actor=world.people["admin"], title="Lifts")
    return requirement


def test_countersignature_completes_the_observation(
    world, signed_observation, django_capture_on_commit_callbacks
) -> None:
    learner, manager = world.people["learner"], world.people["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        assessment = services.observation_record(
            requirement=signed_observation,
            learner=learner,
            actor=manager,
            observed_on=date.today(),
            place="Dock 2",
            notes="Fine.",
            items={str(c.public_id): True for c in signed_observation.criteria.all()},
        )
    assert assessment.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE
    assert not Credential.objects.exists()
    assert Notification.objects.filter(user=learner, title__contains="countersign").exists()
    with pytest.raises(ApplicationError) as error:
        services.observation_countersign(assessment=assessment, actor=manager)
    assert error.value.status == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.observation_countersign(assessment=assessment, actor=learner)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    assert assessment.reviews.get().countersigned_at is not None
    assert AuditEvent.objects.filter(action="assessments.observation_countersigned").exists()
    assert Credential.objects.filter(source="assessment").count() == 1
    with pytest.raises(ApplicationError):
        services.observation_countersign(assessment=assessment, actor=learner)


def _expiring_credential(world, achievement, email: str, days_left: int) -> Credential:
    """Issued long enough ago (12-month validity) to expire in ``days_left`` days."""
    issued = timezone.now() - timedelta(days=365 - days_left)
    credential = credentials_issue(
        organisation=world.org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email=email, source_key=f"old:{email}")],
        actor=world.people["admin"],
        source="test",
        now=issued,
        deliver=False,
    )[0]
    assert credential.valid_until is not None
    return credential


def test_recertification_command_and_task(
    world, achievement, observation_req, django_capture_on_commit_callbacks
) -> None:
    credential = _expiring_credential(world, achievement, "learner@acme.example", 300)
    assert credential.valid_until is not None
    clock = credential.valid_until - timedelta(days=20)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recertification_run", "--now", clock.isoformat(), stdout=out)
    assert out.getvalue().strip() == "reminders: 1, expired: 0, cases: 1"
    assert credential.expiry_reminders.filter(offset_days=30).exists()
    assert any("expires in 20 days" in m.subject for m in mail.outbox)
    with pytest.raises(CommandError):
        call_command("recertification_run", "--now", "2026-01-01T00:00:00")  # no time zone
    with pytest.raises(CommandError):
        call_command("recertification_run", "--now", "soon")
    later = credential.valid_until - timedelta(days=3)
    recertification_task.enqueue(now=later.isoformat())
    assert credential.expiry_reminders.filter(offset_days=7).exists()
    expired = credential.valid_until + timedelta(days=1)
    recertification_task.enqueue(now=expired.isoformat())
    assert ReminderSent.objects.filter(credential=credential, offset_days=0).exists()
    assert Notification.objects.filter(user=world.people["learner"], kind="expired").count() == 1


def test_notification_preferences_page_turns_e_mail_off(world, client) -> None:
    learner = world.people["learner"]
    client.force_login(learner)
    url = reverse("notifications:preferences", kwargs={"slug": world.org.slug})
    page = client.get(url)
    assert page.status_code == 200 and b"Feedback given" in page.content
    response = client.post(url, {"feedback-in_app": "on"})  # e-mail off; other kinds off too
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=learner, kind="feedback")
    assert preference.in_app and not preference.email
    assert not NotificationPreference.objects.get(user=learner, kind="accepted").in_app
    mail.outbox.clear()
    notification_send(organisation=world.org, user=learner, kind="feedback", title="Hello")
    notification_send(organisation=world.org, user=learner, kind="accepted", title="Quiet")
    assert list(Notification.objects.filter(user=learner).values_list("title", flat=True)) == [
        "Hello"
    ]
    assert mail.outbox == []
    page = client.get(url)
    assert b'id="feedback-in_app" name="feedback-in_app"' in page.content
    assert 'aria-label="Feedback given: in the app" checked' in page.content.decode()


def test_team_expiries_shows_only_the_managers_teams(world, achievement, client) -> None:
    mine = _expiring_credential(world, achievement, "learner@acme.example", 30)
    _expiring_credential(world, achievement, "assessor@acme.example", 30)  # not in the team
    client.force_login(world.people["manager"])
    page = client.get(reverse("assessments:team_expiries", kwargs={"slug": world.org.slug}))
    assert page.status_code == 200
    rows = [row["credential"] for row in page.context["rows"]]
    assert rows == [mine]
    assert page.context["rows"][0]["days"] in (29, 30)
    client.force_login(world.others["manager"])
    other = client.get(reverse("assessments:team_expiries", kwargs={"slug": world.org.slug}))
    assert other.status_code == 404
