"""An LMS (the local LTI 1.3 platform, tests/counterparts/lti_platform.py) embeds microcred in
an iframe in real Chromium: an instructor deep-links a module, a learner launches it, completes
the course inside the frame, the grade arrives in the LMS gradebook, the award rule issues the
credential, and the administrator's roster sync makes the LMS course a team."""

from __future__ import annotations

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, expect

from counterparts.lti_platform import INSTRUCTOR, LEARNER, LmsUser, running_platform
from microcred.rules import CourseCompleted
from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.awards import services as award_services
from microcred_web.issuing.models import Credential
from microcred_web.learning import services as learning_services
from microcred_web.lti import services as lti_services
from microcred_web.lti.models import Identity
from microcred_web.lti.tokens import platform_keys_forget
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Team

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def lms(settings, live_server):
    settings.MICROCRED_LTI_ALLOW_PRIVATE = True
    settings.MICROCRED_LTI_ALLOW_HTTP = True
    platform_keys_forget()
    with running_platform(
        redirect_uri=live_server.url + "/lti/launch/",
        tool_login_url=live_server.url + "/lti/login/",
        tool_jwks_url=live_server.url + "/lti/jwks.json",
    ) as platform:
        # the browser reaches the LMS by the live server's host name: the same site, so the
        # framed tool keeps its Lax session cookie over plain http (see decision 0048)
        host = live_server.url.split("//", 1)[1].rsplit(":", 1)[0]
        platform.browser_base_url = platform.base_url.replace("127.0.0.1", host)
        platform.users = {
            "teacher-1": LmsUser("teacher-1", "Terry Teacher", "terry@lms.example", [INSTRUCTOR]),
            "student-1": LmsUser("student-1", "Sam Student", "sam@lms.example", [LEARNER]),
        }
        yield platform
    platform_keys_forget()


def test_lms_embeds_microcred_from_placement_to_credential(
    browser: Browser, transactional_db, live_server, lms
) -> None:
    org = org_services.organisation_create(name="LMS Org", slug="lms-org")
    admin = User.objects.create_user("admin@lms-org.example", PASSWORD, display_name="Ada")
    org_services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    course = learning_services.course_create(
        organisation=org,
        actor=admin,
        values={"title": "Yard safety", "language": "en", "duration_minutes": 5},
    )
    for title, body in (("Walkways", "Keep to the green lanes."), ("Vehicles", "Eye contact.")):
        module = learning_services.module_create(course=course, actor=admin, title=title)
        learning_services.block_create(
            module=module, actor=admin, kind="text", values={"body": body}
        )
    learning_services.course_publish(course=course, actor=admin)
    achievement = achievement_services.achievement_create(
        organisation=org,
        actor=admin,
        values={
            "name": "Yard safe",
            "description": "Moves safely in the yard.",
            "criteria": "Completes **Yard safety**.",
            "achievement_type": "Badge",
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=admin)
    award_services.award_rule_save(
        organisation=org,
        achievement=achievement,
        rule=CourseCompleted(f"course:{course.public_id}", course.title),
        actor=admin,
        enabled=True,
    )
    registration = lti_services.platform_create(
        organisation=org, actor=admin, values=lms.registration()
    )

    # 1. the instructor places the whole course from the LMS (Deep Linking in the frame)
    teacher = browser.new_context(locale="en-GB")
    page = teacher.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{lms.browser_url}/course?user=teacher-1&message=deep_linking")
    tool = page.frame_locator("#tool")
    expect(tool.get_by_role("heading", name="Place microcred content")).to_be_visible()
    tool.get_by_label("Yard safety (whole course)").check()
    tool.get_by_role("button", name="Place in the LMS").click()
    expect(tool.get_by_text("Placed.")).to_be_visible()
    teacher.close()
    (link_id,) = lms.links
    assert lms.links[link_id]["custom"]["course"] == str(course.public_id)

    # 2. a learner opens it in the LMS: signed in inside the frame, on the course player
    learner = browser.new_context(locale="en-GB")
    page = learner.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{lms.browser_url}/course?user=student-1&link={link_id}")
    tool = page.frame_locator("#tool")
    expect(tool.get_by_text("Keep to the green lanes.")).to_be_visible()
    tool.get_by_role("button", name="Mark complete and continue").click()
    expect(tool.get_by_text("Eye contact.")).to_be_visible()
    tool.get_by_role("button", name="Mark complete", exact=True).click()
    expect(tool.get_by_text("Course complete. Well done!")).to_be_visible()
    learner.close()

    # 3. the grade is in the LMS gradebook, the credential is issued
    grade = lms.gradebook()["student-1"]
    assert (grade["scoreGiven"], grade["activityProgress"], grade["gradingProgress"]) == (
        100,
        "Completed",
        "FullyGraded",
    )
    student = Identity.objects.get(platform=registration, subject="student-1").user
    earned = Credential.objects.filter(achievement_version__achievement=achievement)
    assert [c.recipient_user_id for c in earned] == [student.pk]

    # 4. the administrator syncs the LMS course's roster into a team
    console = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = console.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin@lms-org.example", PASSWORD)
    page.wait_for_url("**/o/**")
    page.goto(f"/o/{org.slug}/lti/{registration.pk}/")
    page.get_by_role("button", name="Sync the roster").click()
    expect(page.get_by_text("2 people are in the team Warehouse induction (LMS).")).to_be_visible()
    console.close()
    team = Team.objects.get(organisation=org, name="Warehouse induction (LMS)")
    assert {m.user.display_name for m in team.members.all()} == {"Sam Student"}
    assert {m.user.display_name for m in team.managers.all()} == {"Terry Teacher"}
