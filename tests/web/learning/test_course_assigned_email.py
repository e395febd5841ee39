"""Assigning a course tells each person once, by a branded e-mail in their language (it
used to send nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from microcred_web.learning import progress
from microcred_web.learning.models import Enrolment
from microcred_web.notifications.models import Notification
from microcred_web.orgs.models import Membership


def test_course_assignment_e_mails_each_person_once(
    setup, branded_email, django_capture_on_commit_callbacks
) -> None:
    setup.course.translations = {"fr": {"title": "Levage en sécurité"}}
    setup.course.save()
    setup.manager.preferred_language = "fr"
    setup.manager.save()
    people = Membership.objects.filter(
        organisation=setup.org, user__in=[setup.learner, setup.manager]
    )
    due = timezone.localdate() + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        progress.enrolment_assign(
            organisation=setup.org,
            actor=setup.admin,
            course=setup.course,
            memberships=list(people),
            due_date=due,
        )
    english = [m for m in mail.outbox if m.to == [setup.learner.email]]
    french = [m for m in mail.outbox if m.to == [setup.manager.email]]
    assert len(english) == 1 and len(french) == 1
    enrolment = Enrolment.objects.get(user=setup.learner, course=setup.course)
    branded_email(
        english[0],
        greeting="Hello Lee Learner,",
        button_path=f"/o/{setup.org.slug}/learning/my/",
        organisation=setup.org,
        essential=False,
        preferences=True,
    )
    assert english[0].subject == "Course assigned: Safe lifting"
    assert "Ada Admin assigned you the course “Safe lifting”" in english[0].body
    branded_email(
        french[0],
        greeting="Bonjour Max Manager,",
        button_path=f"/o/{setup.org.slug}/learning/my/",
        organisation=setup.org,
        essential=False,
        preferences=True,
        language="fr",
    )
    assert french[0].subject == "Cours attribué : Levage en sécurité"
    assert str(enrolment.pk) in english[0].alternatives[0][0]
    # assigning again (a new due date) is not a new assignment: no second e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        progress.enrolment_assign(
            organisation=setup.org,
            actor=setup.admin,
            course=setup.course,
            memberships=list(people),
            due_date=due + timedelta(days=7),
        )
    assert mail.outbox == []
    assert Notification.objects.filter(user=setup.learner, kind="assigned").count() == 1
