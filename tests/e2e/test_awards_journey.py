"""Award rules in Chromium, end to end through the UI.

1. An admin authors a two-module course with a quiz, publishes it, defines an achievement and
   its award "all of: course + quiz ≥ 80%" in the rule builder, and assigns the course to the
   Warehouse team. A learner of the team completes it; the credential is issued automatically,
   e-mailed, and shown to the learner (My learning, their credentials). The manager sees the
   team's progress (courses and credentials) from "My team".
2. A stacked award: A + B ⇒ C is issued when B arrives.
"""

from __future__ import annotations

import pytest
from browser_steps import sign_in
from conftest_awards import add_condition, create_achievement, two_courses_with_rules
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
    title="Forklift quiz",
    pass_mark=80,
    questions=(
        QuestionSpec("single", "Most you may lift alone?", ("25 kg", "60 kg", "90 kg"), ("25 kg",)),
        QuestionSpec("true_false", "Twist at the waist while carrying?", right=("False",)),
    ),
)
ANSWERS = {"Most you may lift alone?": "25 kg", "Twist at the waist while carrying?": "False"}


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
        ("manager", "rafa@acme.example", "Rafael Núñez", ("manager",)),
    ):
        users[key] = User.objects.create_user(email, PASSWORD, display_name=name)
        services.membership_add(organisation=org, user=users[key], roles=roles)
    services.team_create(
        organisation=org,
        name="Warehouse",
        managers=[Membership.objects.get(organisation=org, user=users["manager"])],
        members=[Membership.objects.get(organisation=org, user=users["learner"])],
    )
    return {"org": org, **users}


def open_as(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, email, PASSWORD)
    page.wait_for_url("**/o/acme/**")
    return page


def test_author_award_assign_learn_and_earn(
    page: Page, browser: Browser, live_server, people, shot
) -> None:
    # the admin: course, achievement, award rule, assignment — all through the UI
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    course_path = author_course(
        page,
        "acme",
        "Safe lifting",
        modules=[
            ("Before you lift", ["Plan the route and clear the way."]),
            ("Lifting", ["Bend your **knees** and keep the load close."]),
        ],
        quiz=QUIZ,
    )
    publish_course(page, course_path)
    create_achievement(page, "acme", "Safe lifter")
    page.get_by_role("link", name="Award rule").click()
    expect(page.get_by_role("heading", name="Award rule")).to_be_visible()
    add_condition(page, "Safe lifting (2 credits)")
    expect(page.locator("#rule-summary")).to_have_text("Complete all of: ‘Safe lifting’")
    add_condition(page, "Forklift quiz (Safe lifting)", min_score=80)
    expect(page.locator("#rule-summary")).to_have_text(
        "Complete all of: ‘Safe lifting’ and ‘Forklift quiz (Safe lifting)’ with at least 80%"
    )
    page.get_by_role("button", name="Turn on automatic issuing").click()
    expect(page.locator("#messages")).to_contain_text("Automatic issuing is on")
    page.get_by_role("link", name="Preview who would qualify now").click()
    expect(page.locator("#preview")).to_contain_text("0 people would qualify now")
    shot("awards-builder")
    assign_course(page, "acme", "Safe lifting", team="Warehouse")

    # the learner: My learning shows the course and the goal; finishing earns the credential
    learner = open_as(browser, live_server, "zoe@acme.example")
    learner.locator(".org-nav").get_by_role("link", name="My learning").click()
    expect(learner.locator(".course-card", has_text="Safe lifting")).to_be_visible()
    expect(learner.locator("#goals")).to_contain_text("Complete the course ‘Safe lifting’")
    learner.screenshot(path="/tmp/shots/awards-mine-before.png", full_page=True)
    complete_course(learner, "acme", "Safe lifting", answers=ANSWERS)
    if not learner.url.rstrip("/").endswith("/learning/my"):  # the step may end in the player
        learner.locator(".org-nav").get_by_role("link", name="My learning").click()
    expect(learner.locator("#goals .goal-new")).to_contain_text("New credential")
    expect(learner.locator("#goals")).to_contain_text("Safe lifter")
    learner.screenshot(path="/tmp/shots/awards-mine-earned.png", full_page=True)
    learner.get_by_role("link", name="View your credential").click()
    expect(learner.locator("main")).to_contain_text("Safe lifter")
    learner.goto("/credentials/mine/")
    expect(learner.locator("main")).to_contain_text("Safe lifter")
    learner.screenshot(path="/tmp/shots/awards-my-credentials.png", full_page=True)
    learner.goto("/o/acme/learning/my/")  # the highlight is shown once
    expect(learner.locator("#goals")).to_contain_text("Earned")
    expect(learner.locator("#goals .goal-new")).to_have_count(0)

    # the manager: My team shows the course progress and leads to the credential progress
    manager = open_as(browser, live_server, "rafa@acme.example")
    manager.locator(".org-nav").get_by_role("link", name="My team").click()
    expect(manager.locator("table.team-table")).to_contain_text("Completed")
    manager.get_by_role("link", name="Progress toward credentials").click()
    expect(manager.locator("#team-goals")).to_contain_text("Zoë Dubois")
    expect(manager.locator("#team-goals")).to_contain_text("Earned")
    expect(manager.locator(".org-nav [aria-current='page']")).to_have_text("My team")
    manager.screenshot(path="/tmp/shots/awards-team.png", full_page=True)

    from django.core import mail

    from microcred_web.issuing.models import Credential

    issued = Credential.objects.filter(achievement_version__achievement__name="Safe lifter")
    assert issued.count() == 1
    assert issued.get().recipient_user == people["learner"]
    assert any("zoe@acme.example" in m.to for m in mail.outbox)


def test_stacked_award_is_issued_when_the_second_credential_arrives(
    page: Page, browser: Browser, live_server, people, shot
) -> None:
    org, admin = people["org"], people["admin"]
    a, b = two_courses_with_rules(org, admin, people["learner"])

    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    create_achievement(page, "acme", "Warehouse all-rounder")
    page.get_by_role("link", name="Award rule").click()
    add_condition(page, "Lifting")
    expect(page.locator("#rule-summary")).to_have_text("Complete all of: the credential ‘Lifting’")
    add_condition(page, "Racking")
    expect(page.locator("#rule-summary")).to_have_text(
        "Complete all of: the credential ‘Lifting’ and the credential ‘Racking’"
    )
    page.get_by_role("button", name="Turn on automatic issuing").click()
    shot("awards-stacked-builder")

    learner = open_as(browser, live_server, "zoe@acme.example")
    complete_course(learner, "acme", "Lifting basics", answers={})
    learner.goto("/credentials/mine/")
    expect(learner.locator("main")).to_contain_text("Lifting")
    expect(learner.locator("main")).not_to_contain_text("Warehouse all-rounder")
    complete_course(learner, "acme", "Racking basics", answers={})
    learner.goto("/credentials/mine/")
    expect(learner.locator("main")).to_contain_text("Warehouse all-rounder")
    learner.screenshot(path="/tmp/shots/awards-stacked.png", full_page=True)

    from microcred_web.issuing.models import Credential

    stacked = Credential.objects.filter(
        achievement_version__achievement__name="Warehouse all-rounder"
    )
    assert stacked.count() == 1
    assert {a.name, b.name} <= set(
        Credential.objects.values_list("achievement_version__achievement__name", flat=True)
    )
