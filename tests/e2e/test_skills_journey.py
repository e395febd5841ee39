"""Skills in Chromium, end to end through the UI.

An admin imports a CASE framework and finds a skill by a French alternative label, aligns an
achievement to it at level 3, defines a role requiring it and gives the learner that role,
then issues the credential. The learner sees the skill on their profile, verified, with its
evidence, and their role gap closed; the manager sees it in the team matrix.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))
CASE_FILE = Path(__file__).resolve().parents[1] / "vectors" / "skills" / "warehouse-case.json"


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
    return users


def open_as(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, email, PASSWORD)
    page.wait_for_url("**/o/acme/**")
    return page


def _import_and_align(admin: Page) -> None:
    admin.get_by_role("link", name="Skills", exact=True).click()
    admin.get_by_label("CASE package (JSON)").set_input_files(str(CASE_FILE))
    admin.get_by_role("button", name="Import").first.click()
    expect(admin.locator("#messages")).to_contain_text("3 skills added")
    admin.get_by_label("Label, other name or description").fill("élévateur")
    admin.get_by_role("button", name="Search").click()
    expect(admin.locator("#skill-table tbody tr")).to_have_count(1)
    expect(admin.locator("#skill-table")).to_contain_text("Forklift operation")
    assert serious_violations(admin) == []

    admin.goto("/o/acme/achievements/new/")
    admin.locator("#id_name").fill("Forklift safety")
    admin.locator("#id_description").fill("Operates a forklift safely.")
    admin.locator("#id_criteria").fill("Passed the practical test.")
    admin.get_by_role("button", name="Save").click()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.locator("#achievement-status")).to_have_text("Published")
    admin.get_by_role("link", name="Skills", exact=True).last.click()
    # the editor suggests skills from the achievement's text: accept one in one click
    expect(admin.locator("#suggestion-table tbody tr").first).to_contain_text("Forklift operation")
    admin.get_by_label("Level if accepted: Forklift operation").select_option("3")
    admin.get_by_role("button", name="Accept Forklift operation").click()
    expect(admin.locator("#alignment-table")).to_contain_text("Forklift operation")
    expect(admin.get_by_label("Level of Forklift operation")).to_have_value("3")
    assert serious_violations(admin) == []


def _role(admin: Page) -> None:
    admin.goto("/o/acme/skills/roles/")
    admin.get_by_label("New role").fill("Warehouse operative")
    admin.get_by_role("button", name="Create role").click()
    admin.get_by_label("Skill", exact=True).fill("forklift")
    admin.get_by_role("button", name="Search").click()
    admin.get_by_role("checkbox", name="Forklift operation").check()
    admin.get_by_label("Level of Forklift operation").select_option("3")
    admin.get_by_role("button", name="Save role").click()
    expect(admin.locator("#requirement-table")).to_contain_text("Forklift operation")
    admin.goto("/o/acme/skills/roles/")
    admin.get_by_label("Current role of Zoë Dubois").select_option(label="Warehouse operative")
    row = admin.locator("#people-roles tr", has_text="Zoë Dubois")
    row.get_by_role("button", name="Save").click()
    expect(admin.locator("#messages")).to_contain_text("Roles saved for Zoë Dubois")
    assert serious_violations(admin) == []


def _issue(admin: Page) -> None:
    admin.goto("/o/acme/achievements/")
    admin.get_by_role("link", name="Forklift safety").first.click()
    admin.get_by_role("link", name="Issue", exact=True).click()
    admin.locator("#id_email").fill("zoe@acme.example")
    admin.locator("#id_name").fill("Zoë Dubois")
    admin.get_by_role("button", name="Issue").click()
    expect(admin.locator("#credential-status")).to_have_text("active")


def test_import_align_define_issue_and_see_profile_gap_and_matrix(
    page: Page, browser: Browser, live_server, people
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    _import_and_align(page)
    _role(page)

    learner = open_as(browser, live_server, "zoe@acme.example")
    learner.goto("/o/acme/skills/mine/gaps/")
    expect(learner.locator("main")).to_contain_text("Match: 0.0%")

    _issue(page)

    learner.get_by_role("link", name="My skills").first.click()
    profile = learner.locator("#skills-profile")
    expect(profile).to_contain_text("Forklift operation")
    expect(profile.locator(".verified-mark")).to_have_text("Verified")
    learner.get_by_text("Evidence for Forklift operation").click()
    expect(profile).to_contain_text("Signed by Acme Logistics")
    learner.screenshot(path=str(SHOTS / "skills-profile.png"), full_page=True)
    assert serious_violations(learner) == []
    # private by default: Zoë shows the skill to her managers
    row = profile.locator("tr", has_text="Forklift operation").first
    row.get_by_label("Who sees Forklift operation").select_option("manager")
    row.get_by_role("button", name="Save").click()
    expect(learner.locator("#messages")).to_contain_text("Visibility saved.")
    learner.get_by_role("link", name="My role gaps").click()
    expect(learner.locator("main")).to_contain_text("Match: 100.0%")
    assert serious_violations(learner) == []

    manager = open_as(browser, live_server, "rafa@acme.example")
    manager.get_by_role("link", name="Team skills").click()
    matrix = manager.locator("#skills-matrix")
    expect(matrix).to_contain_text("Zoë Dubois")
    expect(matrix.locator("td.held")).to_contain_text("3")
    manager.screenshot(path=str(SHOTS / "skills-matrix.png"), full_page=True)
    assert serious_violations(manager) == []
