"""Award rules in Chromium: an admin defines "all of: course + quiz ≥ 80%" in the rule builder;
a learner completes the course and passes the quiz; the credential is issued automatically and
appears on the learner's credentials page; the manager sees the team's progress. Then a stacked
award: A + B ⇒ C is issued when B arrives.

The courses are made, published and assigned through the learning services in the setup
(``conftest_awards``); the learner takes them in the browser with the learning journey's step
``learning_steps.complete_course``.
"""

from __future__ import annotations

import pytest
from browser_steps import sign_in
from conftest_awards import course_with_quiz, two_courses_with_rules
from learning_steps import complete_course
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
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


def achievement(org, admin, name: str):
    from microcred_web.achievements import services

    made = services.achievement_create(
        organisation=org,
        actor=admin,
        values={
            "name": name,
            "description": f"{name}: earned by learning.",
            "criteria": "Meets the award rule.",
            "achievement_type": "Badge",
        },
    )
    services.achievement_publish(achievement=made, actor=admin)
    made.refresh_from_db()
    return made


def open_as(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, email, PASSWORD)
    page.wait_for_url("**/o/acme/**")
    return page


def test_rule_builder_course_and_quiz_issue_automatically(
    page: Page, browser: Browser, live_server, people, shot
) -> None:
    earned = achievement(people["org"], people["admin"], "Safe lifter")
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    course_with_quiz(people["org"], people["admin"], people["learner"])
    page.goto(f"/o/acme/achievements/{earned.pk}/")
    page.get_by_role("link", name="Award rule").click()
    expect(page.get_by_role("heading", name="Award rule")).to_be_visible()
    select = page.locator('[data-testid="condition-root"]')
    select.select_option(label="Safe lifting (2 credits)")
    page.get_by_role("button", name="Add condition").click()
    expect(page.locator("#rule-summary")).to_have_text("Complete all of: ‘Safe lifting’")
    select = page.locator('[data-testid="condition-root"]')
    select.select_option(label="Forklift quiz (Safe lifting)")
    page.locator("#rule-builder").get_by_label("Minimum score % (quizzes)").last.fill("80")
    page.get_by_role("button", name="Add condition").last.click()
    expect(page.locator("#rule-summary")).to_have_text(
        "Complete all of: ‘Safe lifting’ and ‘Forklift quiz (Safe lifting)’ with at least 80%"
    )
    page.get_by_role("button", name="Turn on automatic issuing").click()
    expect(page.locator("#messages")).to_contain_text("Automatic issuing is on")
    page.get_by_role("link", name="Preview who would qualify now").click()
    expect(page.locator("#preview")).to_contain_text("0 people would qualify now")
    shot("awards-builder")

    learner = open_as(browser, live_server, "zoe@acme.example")
    learner.goto("/o/acme/learning/goals/")
    expect(learner.locator("#goals")).to_contain_text("Complete the course ‘Safe lifting’")
    learner.screenshot(path="/tmp/shots/awards-goals-before.png", full_page=True)
    complete_course(learner, "acme", "Safe lifting", answers=ANSWERS)
    learner.goto("/credentials/mine/")
    expect(learner.locator("main")).to_contain_text("Safe lifter")
    learner.screenshot(path="/tmp/shots/awards-my-credentials.png", full_page=True)
    learner.goto("/o/acme/learning/goals/")
    expect(learner.locator("#goals")).to_contain_text("Earned")
    learner.get_by_role("link", name="View your credential").click()
    expect(learner.locator("main")).to_contain_text("Safe lifter")
    learner.screenshot(path="/tmp/shots/awards-goals-earned.png", full_page=True)

    manager = open_as(browser, live_server, "rafa@acme.example")
    manager.goto("/o/acme/learning/goals/team/")
    expect(manager.locator("#team-goals")).to_contain_text("Zoë Dubois")
    expect(manager.locator("#team-goals")).to_contain_text("Earned")
    manager.screenshot(path="/tmp/shots/awards-team.png", full_page=True)

    from django.core import mail

    from microcred_web.issuing.models import Credential

    assert Credential.objects.filter(achievement_version__achievement=earned).count() == 1
    assert any("zoe@acme.example" in m.to for m in mail.outbox)


def test_stacked_award_is_issued_when_the_second_credential_arrives(
    page: Page, browser: Browser, live_server, people, shot
) -> None:
    org, admin = people["org"], people["admin"]
    a, b = two_courses_with_rules(org, admin, people["learner"])
    stacked = achievement(org, admin, "Warehouse all-rounder")

    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    page.goto(f"/o/acme/achievements/{stacked.pk}/award-rule/")
    page.locator('[data-testid="condition-root"]').select_option(label="Lifting")
    page.get_by_role("button", name="Add condition").click()
    expect(page.locator("#rule-summary")).to_have_text("Complete all of: the credential ‘Lifting’")
    page.locator('[data-testid="condition-root"]').select_option(label="Racking")
    page.get_by_role("button", name="Add condition").last.click()
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

    assert Credential.objects.filter(achievement_version__achievement=stacked).count() == 1
    assert {a.name, b.name} <= set(
        Credential.objects.values_list("achievement_version__achievement__name", flat=True)
    )
