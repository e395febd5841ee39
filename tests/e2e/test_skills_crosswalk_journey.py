"""Crosswalks in Chromium: an admin proposes a crosswalk from an imported CASE framework to the
organisation's own skills, confirms one as an exact match and one as related, and sees both on
the skill pages (with the CASE hierarchy in the breadcrumb)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))
CASE_FILE = Path(__file__).resolve().parents[1] / "vectors" / "skills" / "warehouse-case.json"


@pytest.fixture
def admin_email(transactional_db, settings, live_server, tmp_path) -> str:
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services
    from microcred_web.skills import importing
    from microcred_web.skills import services as skill_services

    settings.BASE_URL = live_server.url
    settings.SKILL_VECTORS_DIR = tmp_path
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    services.membership_add(organisation=org, user=admin, roles=("admin",))
    importing.framework_import_case(organisation=org, actor=admin, content=CASE_FILE.read_bytes())
    for label, description in (
        ("Driving forklift trucks", "Operate a forklift truck safely."),
        ("Stock counting", "Cycle counts and accurate stock records."),
    ):
        skill_services.skill_create(
            organisation=org, actor=admin, label=label, description=description
        )
    return admin.email


def test_admin_proposes_confirms_and_sees_the_crosswalk(browser: Browser, live_server, admin_email):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, admin_email, PASSWORD)
    page.goto("/o/acme/skills/")
    page.get_by_role("link", name="Crosswalks").click()
    page.get_by_label("From framework").select_option(label="Warehouse Skills Framework")
    page.get_by_label("To framework").select_option(label="Acme Logistics skills")
    page.get_by_role("button", name="Propose crosswalk").click()
    expect(page.locator("#messages")).to_contain_text("crosswalks proposed")
    forklift = page.locator("#crosswalk-table tbody tr", has_text="Driving forklift trucks")
    expect(forklift).to_contain_text("Forklift operation")
    expect(forklift).to_contain_text("Proposed")
    assert serious_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "crosswalks-proposed.png"), full_page=True)

    forklift.get_by_role("button", name="Exact").click()
    expect(page.locator("#messages")).to_contain_text("1 crosswalks updated")
    page.get_by_label("State").select_option("proposed")
    page.get_by_role("button", name="Filter").click()
    stock = page.locator("#crosswalk-table tbody tr", has_text="Stock counting")
    stock.get_by_role("checkbox").check()
    page.get_by_role("button", name="Confirm as related").click()
    expect(page.locator("#messages")).to_contain_text("1 crosswalks updated")

    page.goto("/o/acme/skills/crosswalks/?state=confirmed")
    page.locator("#crosswalk-table").get_by_role("link", name="Driving forklift trucks").click()
    expect(page.locator("#skill-exact")).to_contain_text("Forklift operation")
    page.locator("#skill-exact").get_by_role("link", name="Forklift operation").click()
    expect(page.locator("#skill-breadcrumb")).to_contain_text("Material handling")
    expect(page.locator("#skill-exact")).to_contain_text("Driving forklift trucks")
    page.goto("/o/acme/skills/?q=stock+counting")
    page.locator("#skill-table").get_by_role("link", name="Stock counting").click()
    expect(page.locator("#skill-related")).to_contain_text("Stock control")
    assert serious_violations(page) == []
    page.screenshot(path=str(SHOTS / "crosswalk-skill-page.png"), full_page=True)
    context.close()
