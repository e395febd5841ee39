"""A pathway in Chromium, end to end.

An admin builds "Warehouse Team Lead" in the editor — two required achievements, an elective
group, a credit target, a milestone — sees an impossible target refused with its reason, and
publishes. A learner finds it in the catalogue, enrols, and follows the map while credentials
arrive: the milestone, then the final credential, each issued exactly once. The editor and the
map have no serious axe-core violations, and the editor's step form works by keyboard alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def acme(transactional_db, settings, live_server) -> dict[str, Any]:
    from microcred_web.accounts.models import User
    from microcred_web.achievements import services as achievements
    from microcred_web.orgs import services

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    learner = User.objects.create_user("zoe@acme.example", PASSWORD, display_name="Zoë Dubois")
    services.membership_add(organisation=org, user=admin, roles=("admin",))
    services.membership_add(organisation=org, user=learner, roles=("learner",))
    made = {}
    for key, name, credits in (
        ("forklift", "Forklift", None),
        ("lifting", "Safe lifting", None),
        ("first-aid", "First aid", None),
        ("fire", "Fire warden", None),
        ("coaching", "Coaching", "4"),
        ("rota", "Rota planning", "3"),
        ("half", "Foundations", None),
        ("goal", "Team Lead Certificate", None),
    ):
        values = {
            "name": name,
            "description": f"{name}.",
            "criteria": "Done.",
            "achievement_type": "Badge",
        }
        if credits:
            values |= {"credits": credits, "credit_system": "CPD hours"}
        achievement = achievements.achievement_create(organisation=org, actor=admin, values=values)
        achievements.achievement_publish(achievement=achievement, actor=admin)
        achievement.refresh_from_db()
        made[key] = achievement
    return {"org": org, "admin": admin, "learner": learner, **made}


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def add_step(
    page: Page, title: str, kind: str, items: list[str], after: tuple[str, ...] = (), **extra: str
) -> None:
    form = page.locator("#add-step")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("It asks for").select_option(kind)
    for item in items:
        form.get_by_label(item, exact=True).check()
    for label, value in extra.items():
        form.get_by_label(label).fill(value)
    for step in after:
        form.get_by_label(step, exact=True).check()
    form.get_by_role("button", name="Add the step").click()
    expect(page.locator(".flash, [role=status]").first).to_be_visible()


def count(acme: dict[str, Any], key: str) -> int:
    from microcred_web.issuing.models import Credential

    return Credential.objects.filter(
        achievement_version__achievement=acme[key], recipient_user=acme["learner"]
    ).count()


def test_build_publish_enrol_and_earn(page: Page, browser: Browser, live_server, acme) -> None:
    from microcred_web.issuing.services import RecipientInput, credentials_issue

    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    page.goto("/o/acme/pathways/manage/")
    page.get_by_label("Name").fill("Warehouse Team Lead")
    page.get_by_label("Goal credential (issued at the end)").select_option(
        label="Team Lead Certificate"
    )
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warehouse Team Lead")

    # the first step by keyboard alone: type, Space to tick, Enter to submit
    page.locator("#step-title").focus()
    page.keyboard.type("Core")
    page.locator(f"#item-{acme['forklift'].pk}").focus()
    page.keyboard.press("Space")
    page.locator(f"#item-{acme['lifting'].pk}").focus()
    page.keyboard.press("Space")
    page.locator("#step-title").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#edit-step-core")).to_contain_text("Forklift")

    add_step(page, "Options", "elective", ["First aid", "Fire warden"])
    add_step(
        page,
        "Leading people",
        "credit",
        ["Coaching", "Rota planning"],
        ("Core",),
        **{"Credit system (credit steps)": "CPD hours", "Credits needed": "9"},
    )
    problems = page.locator("#pathway-problems")
    expect(problems).to_contain_text(
        "step ‘Leading people’ is impossible: it needs 9 CPD hours credits but its "
        "achievements offer only 7"
    )
    expect(page.locator("#publish")).to_have_count(0)
    page.locator("#edit-step-leading-people").get_by_role("button", name="Remove").click()
    add_step(
        page,
        "Leading people",
        "credit",
        ["Coaching", "Rota planning"],
        ("Core",),
        **{"Credit system (credit steps)": "CPD hours", "Credits needed": "6"},
    )
    milestone = page.locator("#add-milestone")
    milestone.get_by_label("Milestone credential").select_option(label="Foundations")
    milestone.get_by_label("Core", exact=True).check()
    milestone.get_by_label("Options", exact=True).check()
    milestone.get_by_role("button", name="Add the milestone").click()
    summary = page.locator("#pathway-summary")
    expect(summary).to_contain_text("Options: Complete any 1 of:")
    expect(summary).to_contain_text("Milestone ‘Foundations’ is issued after ‘Core’, ‘Options’")
    assert serious_violations(page) == []
    page.locator("#publish").click()
    expect(page.locator("body")).to_contain_text("Version 1 is published")

    # the learner: catalogue, pathway page, enrol, map
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    learner = context.new_page()
    learner.set_default_timeout(15_000)
    sign_in(learner, "zoe@acme.example", PASSWORD)
    learner.wait_for_url("**/o/acme/**")
    learner.goto("/o/acme/pathways/")
    learner.get_by_role("link", name="Warehouse Team Lead").click()
    expect(learner.locator("#pathway-summary")).to_contain_text("Core: Complete all of:")
    learner.locator("#enrol").click()
    expect(learner.locator("#step-core")).to_have_attribute("data-state", "available")
    expect(learner.locator("#step-leading-people")).to_have_attribute("data-state", "locked")
    assert serious_violations(learner) == []

    def earn(key: str) -> None:
        credentials_issue(
            organisation=acme["org"],
            achievement_version=acme[key].current_version,
            recipients=[RecipientInput(email="zoe@acme.example", name="Zoë Dubois")],
            actor=acme["admin"],
            source="ui",
        )

    earn("forklift")
    earn("lifting")
    earn("fire")
    learner.reload()
    expect(learner.locator("#step-core")).to_have_attribute("data-state", "done")
    expect(learner.locator("#milestone-foundations")).to_contain_text("Earned")
    expect(learner.locator("#next-step")).to_contain_text("Leading people")
    assert count(acme, "half") == 1 and count(acme, "goal") == 0
    earn("coaching")
    learner.reload()
    expect(learner.locator("#credit-so-far")).to_contain_text("4 of 6")
    earn("rota")
    learner.reload()
    expect(learner.locator("#pathway-complete")).to_contain_text("Team Lead Certificate")
    assert count(acme, "half") == 1 and count(acme, "goal") == 1
    context.close()
