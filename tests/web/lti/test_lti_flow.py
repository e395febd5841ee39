"""The whole LTI Advantage flow against the local platform over real HTTP: an instructor
deep-links a module, a learner launches it (signed in, enrolled), completes the course, the
score reaches the platform's gradebook (with retries), and the roster becomes a team."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import Request, urlopen

import pytest
from django.utils import timezone

from microcred_web.learning import progress
from microcred_web.learning.models import Enrolment
from microcred_web.lti.grades import scores_send
from microcred_web.lti.models import Identity, ResourceLink, ScoreOutbox, ScoreStatus
from microcred_web.orgs.models import Membership, Team

from .conftest import launch_through_platform, tool_keys

# real commits: scores and award rules run when the learning transaction commits
pytestmark = pytest.mark.django_db(transaction=True)


def _deep_link(client, place, *, module: bool = True) -> str:
    """The instructor places the course's second module; returns the new link id."""
    response = launch_through_platform(
        client, place.lms, sub="teacher-1", hint={"message": "deep_linking"}
    )
    assert response.status_code == 302
    picker = client.get(response["Location"])
    assert picker.status_code == 200
    assert b"Forklift basics" in picker.content
    key = place.course.current_version.snapshot["modules"][1]["key"]
    choice = f"{place.course.pk}:{key}" if module else str(place.course.pk)
    answer = client.post(response["Location"], {"choice": choice})
    assert answer.status_code == 200
    action = re.search(
        r'id="lti-deep-link-return" method="post" action="([^"]+)"', answer.content.decode()
    ).group(1)
    jwt = re.search(r'name="JWT" value="([^"]+)"', answer.content.decode()).group(1)
    place.lms.tool_jwks = tool_keys(client)
    form = urlencode({"JWT": jwt}).encode()
    with urlopen(Request(action, data=form, method="POST"), timeout=5) as posted:
        assert posted.status == 200, place.lms.errors
    return sorted(place.lms.links)[-1]


def test_deep_linking_places_a_module_signed_by_the_tool(client, place) -> None:
    link_id = _deep_link(client, place)
    item = place.lms.links[link_id]
    assert item["custom"]["course"] == str(place.course.public_id)
    assert item["title"] == "Forklift basics – Driving"
    assert item["lineitem"] in place.lms.lineitems
    teacher = Identity.objects.get(platform=place.registration, subject="teacher-1").user
    roles = Membership.objects.get(organisation=place.org, user=teacher).role_names
    assert roles == ["issuer", "assessor"]


def test_a_learner_launch_signs_in_enrols_opens_the_module_and_sends_the_grade(
    client, place
) -> None:
    link_id = _deep_link(client, place)
    client.logout()
    response = launch_through_platform(
        client, place.lms, sub="student-1", hint={"message": "resource", "link": link_id}
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path.startswith(f"/o/{place.org.slug}/learning/my/")
    assert parse_qs(target.query)["module"] == ["2"]
    player = client.get(response["Location"])
    assert player.status_code == 200
    assert b"Slowly." in player.content  # the linked module is shown, signed in
    assert "frame-ancestors 'self' " + place.lms.base_url in player["Content-Security-Policy"]
    assert "X-Frame-Options" not in player
    student = Identity.objects.get(platform=place.registration, subject="student-1").user
    assert student.email == "sam@lms.example"
    assert Membership.objects.get(organisation=place.org, user=student).role_names == ["learner"]
    # the launch itself reports the learner started (AGS score, Initialized)
    assert place.lms.gradebook()["student-1"]["activityProgress"] in {"Initialized", "InProgress"}
    # the learner finishes: content modules, then the quiz
    enrolment = Enrolment.objects.get(user=student, course=place.course)
    snapshot = place.course.current_version.snapshot
    for module in snapshot["modules"]:
        progress.module_complete(enrolment=enrolment, module_key=module["key"])
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=next(iter(snapshot["quizzes"])), language="en"
    )
    progress.quiz_attempt_submit(
        attempt=attempt, answers={"q0": attempt.questions[0]["correct"][0]}
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    grade = place.lms.gradebook()["student-1"]
    assert grade["activityProgress"] == "Completed"
    assert grade["gradingProgress"] == "FullyGraded"
    assert grade["scoreGiven"] == 100
    assert grade["lineitem"] == place.lms.links[link_id]["lineitem"]
    assert ScoreOutbox.objects.get(identity__subject="student-1").status == ScoreStatus.SENT


def test_a_second_launch_maps_to_the_same_account(client, place) -> None:
    link_id = _deep_link(client, place)
    for _ in range(2):
        client.logout()
        assert (
            launch_through_platform(
                client, place.lms, sub="student-1", hint={"link": link_id}
            ).status_code
            == 302
        )
    assert Identity.objects.filter(platform=place.registration, subject="student-1").count() == 1


def test_grade_passback_is_retried_until_the_platform_takes_it(client, place) -> None:
    link_id = _deep_link(client, place)
    place.lms.fail_scores = 2
    client.logout()
    launch_through_platform(client, place.lms, sub="student-1", hint={"link": link_id})
    row = ScoreOutbox.objects.get(identity__subject="student-1")
    assert row.status == ScoreStatus.PENDING
    assert row.attempts == 1
    assert "503" in row.last_error
    assert "student-1" not in place.lms.gradebook()
    later = timezone.now() + timedelta(seconds=31)
    assert scores_send(now=later) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (ScoreStatus.PENDING, 2)
    assert scores_send(now=later) == 0  # not due before its backoff
    assert scores_send(now=later + timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert row.status == ScoreStatus.SENT
    assert place.lms.gradebook()["student-1"]["userId"] == "student-1"


def test_a_link_without_a_line_item_creates_one_in_the_platform(client, place) -> None:
    place.lms.tool_jwks = tool_keys(client)
    place.lms.links["bare"] = {"title": "bare", "custom": {"course": str(place.course.public_id)}}
    launch_through_platform(client, place.lms, sub="student-2", hint={"link": "bare"})
    link = ResourceLink.objects.get(resource_link_id="bare")
    assert link.lineitem_url in place.lms.lineitems
    assert place.lms.lineitems[link.lineitem_url]["resourceLinkId"] == "bare"
    assert place.lms.gradebook()["student-2"]["lineitem"] == link.lineitem_url


def test_roster_sync_makes_people_and_a_team(client, place) -> None:
    link_id = _deep_link(client, place)
    client.logout()
    launch_through_platform(client, place.lms, sub="student-1", hint={"link": link_id})
    client.force_login(place.admin)
    link = ResourceLink.objects.get(resource_link_id=link_id)
    url = f"/o/{place.org.slug}/lti/{place.registration.pk}/links/{link.pk}/roster/"
    assert client.post(url).status_code == 302
    team = Team.objects.get(organisation=place.org, name="Warehouse induction (LMS)")
    members = {m.user.display_name for m in team.members.all()}
    managers = {m.user.display_name for m in team.managers.all()}
    assert members == {"Sam Student", "Kim Student"}
    assert managers == {"Terry Teacher"}
    assert Identity.objects.filter(platform=place.registration).count() == 3
    # syncing again changes nothing
    client.post(url)
    assert Identity.objects.filter(platform=place.registration).count() == 3
    assert team.members.count() == 2


def test_an_email_the_lms_asserts_never_takes_over_an_existing_account(
    client, place, make_member
) -> None:
    existing = make_member(place.org, "admin", email="sam@lms.example", name="Real Sam")
    link_id = _deep_link(client, place)
    client.logout()
    launch_through_platform(client, place.lms, sub="student-1", hint={"link": link_id})
    mapped = Identity.objects.get(platform=place.registration, subject="student-1").user
    assert mapped.pk != existing.pk
    assert mapped.email.endswith("@lti.invalid")


def test_tool_keys_are_sealed_at_rest_and_published(client, place) -> None:
    from microcred_web.lti.keys import tool_key_rotate
    from microcred_web.lti.models import ToolKey

    first = tool_keys(client)["keys"]
    row = ToolKey.objects.get(kid=first[0]["kid"])
    assert b"PRIVATE KEY" not in bytes(row.private_pem_sealed)
    tool_key_rotate()
    kids = [key["kid"] for key in tool_keys(client)["keys"]]
    assert len(kids) == 2 and first[0]["kid"] in kids  # the retired key is still published
    assert all("d" not in key for key in tool_keys(client)["keys"])


def test_a_completion_in_the_lms_frame_earns_the_credential_of_the_award_rule(
    client, place
) -> None:
    from microcred.rules import CourseCompleted
    from microcred_web.achievements import services as achievement_services
    from microcred_web.awards import services as award_services
    from microcred_web.issuing.models import Credential

    achievement = achievement_services.achievement_create(
        organisation=place.org,
        actor=place.admin,
        values={
            "name": "Forklift driver",
            "description": "Drives forklifts safely.",
            "criteria": "Completes **Forklift basics**.",
            "achievement_type": "Badge",
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=place.admin)
    award_services.award_rule_save(
        organisation=place.org,
        achievement=achievement,
        rule=CourseCompleted(f"course:{place.course.public_id}", place.course.title),
        actor=place.admin,
        enabled=True,
    )
    link_id = _deep_link(client, place, module=False)
    client.logout()
    launched = launch_through_platform(client, place.lms, sub="student-2", hint={"link": link_id})
    player_url = launched["Location"]
    student = Identity.objects.get(platform=place.registration, subject="student-2").user
    enrolment = Enrolment.objects.get(user=student, course=place.course)
    snapshot = place.course.current_version.snapshot
    # the learner works in the launched frame: the player's own buttons, signed in by the launch
    for module in snapshot["modules"]:
        done = client.post(
            player_url.split("?")[0] + f"modules/{module['key']}/complete/", follow=False
        )
        assert done.status_code in (200, 302)
    attempt = progress.quiz_attempt_start(
        enrolment=enrolment, quiz_public_id=next(iter(snapshot["quizzes"])), language="en"
    )
    progress.quiz_attempt_submit(
        attempt=attempt, answers={"q0": attempt.questions[0]["correct"][0]}
    )
    earned = Credential.objects.filter(
        organisation=place.org, achievement_version__achievement=achievement
    )
    assert [credential.recipient_user_id for credential in earned] == [student.pk]
    assert place.lms.gradebook()["student-2"]["activityProgress"] == "Completed"
