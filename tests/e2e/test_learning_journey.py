"""An admin authors a two-module course with a quiz, publishes it and assigns it to the
Warehouse team; a learner in the team completes it; the manager sees the team's progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser_steps import sign_in
from django.utils import timezone
from learning_steps import (
    QuestionSpec,
    QuizSpec,
    assign_course,
    author_course,
    complete_course,
    publish_course,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"

QUIZ = QuizSpec(
    title="Lifting check",
    pass_mark=80,
    questions=(
        QuestionSpec("single", "Most you may lift alone?", ("25 kg", "60 kg", "90 kg"), ("25 kg",)),
        QuestionSpec("true_false", "Twist at the waist while carrying?", right=("False",)),
        QuestionSpec("short", "Which body part does the lifting?", right=("legs",)),
        QuestionSpec(
            "ordering", "Put the steps in order", ("Stand close", "Bend knees", "Lift with legs")
        ),
    ),
)
ANSWERS = {
    "Most you may lift alone?": "25 kg",
    "Twist at the waist while carrying?": "False",
    "Which body part does the lifting?": "Legs ",
    "Put the steps in order": ("Stand close", "Bend knees", "Lift with legs"),
}


@pytest.fixture
def people(transactional_db, settings, live_server):
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services
    from microcred_web.orgs.models import Membership

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    users = {}
    for key, email, name, roles in (
        ("admin", "admin@acme.example", "Ada Admin", ("admin", "issuer")),
        ("learner", "zoe@acme.example", "Zoë Dubois", ("learner",)),
        ("other", "bo@acme.example", "Bo Berg", ("learner",)),
        ("manager", "rafa@acme.example", "Rafael Núñez", ("manager",)),
    ):
        users[key] = User.objects.create_user(email, PASSWORD, display_name=name)
        services.membership_add(organisation=org, user=users[key], roles=roles)

    def membership(key: str) -> Membership:
        return Membership.objects.get(organisation=org, user=users[key])

    services.team_create(
        organisation=org,
        name="Warehouse",
        managers=[membership("manager")],
        members=[membership("learner"), membership("other")],
    )
    return users


def test_author_assign_complete_and_follow(
    page: Page, browser: Browser, live_server, people, shot
) -> None:
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    course_path = author_course(
        page,
        "acme",
        "Safe manual handling",
        modules=[
            ("Before you lift", ["Use the **TILE** check: task, individual, load, environment."]),
            ("Lifting and carrying", ["Bend your knees and keep the load close."]),
        ],
        quiz=QUIZ,
    )
    shot("learning-course-draft")
    page.goto(course_path + "preview/?module=2")
    expect(page.locator(".quiz h3")).to_have_text("Lifting check")
    shot("learning-preview")
    publish_course(page, course_path)
    due = timezone.localdate() + timedelta(days=10)
    assign_course(page, "acme", "Safe manual handling", team="Warehouse", due_date=due)

    learner_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    learner = learner_context.new_page()
    sign_in(learner, "zoe@acme.example", PASSWORD)
    learner.wait_for_url("**/o/acme/**")
    learner.goto("/o/acme/learning/my/")
    expect(learner.locator(".course-card")).to_contain_text("Safe manual handling")
    learner.screenshot(path="/tmp/shots/learning-mine.png", full_page=True)
    learner.goto("/o/acme/learning/my/")
    learner.locator(".course-card").get_by_role("link").first.click()
    learner.get_by_role("button", name="Mark complete and continue").click()
    learner.get_by_role("button", name="Start the quiz").click()
    learner.screenshot(path="/tmp/shots/learning-quiz.png", full_page=True)
    complete_course(learner, "acme", "Safe manual handling", answers=ANSWERS)
    learner.screenshot(path="/tmp/shots/learning-complete.png", full_page=True)
    learner.goto("/o/acme/learning/my/")
    expect(learner.locator("#finished-h")).to_be_visible()
    learner_context.close()

    manager_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    manager = manager_context.new_page()
    sign_in(manager, "rafa@acme.example", PASSWORD)
    manager.wait_for_url("**/o/acme/**")
    manager.locator(".org-nav").get_by_role("link", name="My team").click()
    rows = manager.locator("table.team-table tbody tr")
    expect(rows.filter(has_text="Safe manual handling")).to_have_count(2)
    expect(manager.locator("table.team-table")).to_contain_text("Completed")
    expect(manager.locator("table.team-table")).to_contain_text(due.strftime("%-d %b %Y"))
    manager.screenshot(path="/tmp/shots/learning-team.png", full_page=True)
    manager_context.close()

    from microcred_web.learning.models import Enrolment

    done = Enrolment.objects.get(user__email="zoe@acme.example")
    assert done.completed_at is not None and done.version.number == 1
