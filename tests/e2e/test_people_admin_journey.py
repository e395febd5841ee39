"""In Chromium, on the demo: the admin imports people from a CSV (preview, a row error, then a
clean file), builds a team with the search box and pasted e-mails; the operator acts as the
manager (banner, stop) and suspends the organisation (members see why)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))
BAD_CSV = (
    "email,name,role,teams,language\n"
    "nadia.haddad@northwind.example,Nadia Haddad,learner,Night shift,fr\n"
    "zoe@bad,Zoe,wizard,,\n"
    "learner@northwind.example,,learner;assessor,Night shift,\n"
)
GOOD_CSV = BAD_CSV.replace("zoe@bad,Zoe,wizard,,\n", "")


def _shot(page: Page, name: str) -> None:
    """Screenshot the page, and check it with axe-core (no serious or critical violation)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def _upload(page: Page, text: str, tmp_path: Path) -> None:
    page.goto("/o/northwind/people/")
    page.get_by_role("link", name="Import from CSV").click()
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Preview the changes").click()


def test_import_team_editor_impersonate_suspend(page: Page, live_server, demo, tmp_path, settings):
    from microcred_web.orgs.demo import demo_password

    settings.BASE_URL = live_server.url
    password = demo_password()
    sign_in(page, "admin@northwind.example", password)
    page.wait_for_url("**/o/northwind/**")
    _upload(page, BAD_CSV, tmp_path)
    expect(page.locator("#import-rows")).to_contain_text("Unknown role: wizard")
    expect(page.locator("#people-import-apply")).to_have_count(0)
    _shot(page, "people-import-preview-errors")
    _upload(page, GOOD_CSV, tmp_path)
    expect(page.locator("#import-rows")).to_contain_text("New person")
    expect(page.locator("#import-rows")).to_contain_text("Learner → Assessor, Learner")
    _shot(page, "people-import-preview")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.locator("#messages")).to_contain_text("1 new people")

    page.goto("/o/northwind/teams/")
    page.get_by_role("link", name="Night shift").click()
    expect(page.locator("#members-title")).to_have_text("2 members")
    page.locator("#team-find").fill("bjorn")
    expect(page.locator("#team-candidates")).to_contain_text("Björn Andersson")  # HTMX
    page.locator("#team-candidates").get_by_label("Björn Andersson").check()
    page.get_by_role("button", name="Add as members").click()
    expect(page.locator("#members-title")).to_have_text("3 members")
    page.locator("#team-emails").fill("aoife.byrne@northwind.example\nnobody@example.org")
    page.get_by_role("button", name="Add these people").click()
    expect(page.locator("#members-title")).to_have_text("4 members")
    expect(page.locator("#messages")).to_contain_text("nobody@example.org")
    _shot(page, "team-editor")

    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "operator@microcred.example", password)
    page.goto("/operator/o/northwind/?q=manager@")
    page.get_by_label("Rafael Núñez (manager@northwind.example)", exact=False).check()
    page.locator("#impersonate-reason").fill("Ticket 12: team page looks empty")
    page.get_by_role("button", name="Act as this member").click()
    expect(page.locator("#impersonation-banner")).to_contain_text("You are acting as Rafael Núñez")
    _shot(page, "impersonation-banner")
    page.locator("#impersonation-banner").get_by_role("button", name="Stop").click()
    expect(page.locator("h1")).to_have_text("Operator console")
    expect(page.locator("#impersonations")).to_contain_text("Ticket 12")

    page.goto("/operator/o/northwind/")
    page.locator("#suspend-form").get_by_label("Reason (shown to the members)").fill(
        "Contract ended"
    )
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".page-head .status-suspended")).to_be_visible()
    _shot(page, "operator-organisation-suspended")
    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "issuer@northwind.example", password)
    expect(page.locator("main form")).to_contain_text("suspended")
    _shot(page, "suspended-sign-in")
