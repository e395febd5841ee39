"""The manager's team-expiries page offers actions: assign the refresher course, send a nudge
(issue 16, item 6)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from microcred_web.assessments import definitions
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_issue
from microcred_web.learning import services as learning_services
from microcred_web.learning.models import Enrolment
from microcred_web.notifications.models import Notification


def _expiring(world, achievement, email: str, days_left: int) -> Credential:
    return credentials_issue(
        organisation=world.org,
        achievement_version=achievement.current_version,
        recipients=[RecipientInput(email=email, source_key=f"old:{email}")],
        actor=world.people["admin"],
        source="test",
        now=timezone.now() - timedelta(days=365 - days_left),
        deliver=False,
    )[0]


def _refresher(world, observation_req):
    admin = world.people["admin"]
    course = learning_services.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": "Lifting refresher", "language": "en", "duration_minutes": 15},
    )
    module = learning_services.module_create(course=course, actor=admin, title="Recap")
    learning_services.block_create(
        module=module, actor=admin, kind="text", values={"body": "Bend your knees."}
    )
    learning_services.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    definitions.requirement_refresher_set(requirement=observation_req, actor=admin, course=course)
    return course


def _url(world, name: str, credential: Credential) -> str:
    return reverse(name, kwargs={"slug": world.org.slug, "credential_id": credential.pk})


def test_the_manager_assigns_the_refresher_due_at_expiry(
    client, world, achievement, observation_req
) -> None:
    course = _refresher(world, observation_req)
    credential = _expiring(world, achievement, "learner@acme.example", 30)
    client.force_login(world.people["manager"])
    page = client.get(reverse("assessments:team_expiries", kwargs={"slug": world.org.slug}))
    html = page.content.decode()
    assert _url(world, "assessments:expiry_assign_refresher", credential) in html
    assert "Assign the refresher" in html and "Send a nudge" in html

    response = client.post(_url(world, "assessments:expiry_assign_refresher", credential))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(course=course, user=world.people["learner"])
    assert enrolment.due_date == timezone.localdate(credential.valid_until)


def test_the_manager_nudges_once_a_day(client, world, achievement) -> None:
    credential = _expiring(world, achievement, "learner@acme.example", 20)
    learner = world.people["learner"]
    client.force_login(world.people["manager"])
    url = _url(world, "assessments:expiry_send_nudge", credential)
    assert client.post(url).status_code == 302
    [note] = Notification.objects.filter(user=learner)
    assert note.kind == "due_soon" and "Safe lifting" in note.title
    assert str(credential.public_id) in note.url
    again = client.post(url, follow=True)
    assert "already sent today" in again.content.decode()
    assert Notification.objects.filter(user=learner).count() == 1
    event = AuditEvent.objects.get(action="assessments.expiry_nudged")
    assert event.actor == world.people["manager"]


def test_actions_stay_inside_the_managers_teams(client, world, achievement) -> None:
    outside = _expiring(world, achievement, "assessor@acme.example", 20)  # not in the team
    client.force_login(world.people["manager"])
    for name in ("assessments:expiry_send_nudge", "assessments:expiry_assign_refresher"):
        assert client.post(_url(world, name, outside)).status_code == 404
    mine = _expiring(world, achievement, "learner@acme.example", 20)
    client.force_login(world.others["manager"])
    assert client.post(_url(world, "assessments:expiry_send_nudge", mine)).status_code == 404
    client.force_login(world.people["learner"])
    assert client.post(_url(world, "assessments:expiry_send_nudge", mine)).status_code == 403
    assert not Notification.objects.exists()


def test_without_a_refresher_course_the_button_is_not_offered(client, world, achievement) -> None:
    credential = _expiring(world, achievement, "learner@acme.example", 20)
    client.force_login(world.people["manager"])
    html = client.get(
        reverse("assessments:team_expiries", kwargs={"slug": world.org.slug})
    ).content.decode()
    assert _url(world, "assessments:expiry_assign_refresher", credential) not in html
    response = client.post(
        _url(world, "assessments:expiry_assign_refresher", credential), follow=True
    )
    assert "No refresher course is set" in response.content.decode()
