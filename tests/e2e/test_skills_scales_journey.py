"""Scales and roles in bulk in Chromium: an admin adds a level to the default scale with its
descriptor (a wrong edit is refused naming the row), creates a 1–8 scale and saves its
proposed mapping, then uploads a role CSV, sees the preview (changes and a bad row), fixes
the file, previews again and applies it; the learner's roles change only then."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots-sk-scales"))


@pytest.fixture
def org(transactional_db, settings, live_server):
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services
    from microcred_web.skills import services as skills_services

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    users = {}
    for key, email, roles in (
        ("admin", "admin@acme.example", ("admin",)),
        ("learner", "zoe@acme.example", ("learner",)),
    ):
        users[key] = User.objects.create_user(email, PASSWORD, display_name=key.title())
        services.membership_add(organisation=org, user=users[key], roles=roles)
    for name in ("Warehouse operative", "Team lead"):
        skills_services.job_role_save(organisation=org, actor=users["admin"], name=name)
    return org, users


def _open(browser: Browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    return page


def _edit_scales(admin: Page) -> None:
    admin.goto("/o/acme/skills/")
    admin.get_by_role("link", name="Proficiency scales").click()
    expect(admin.locator("#scale-list")).to_contain_text("Proficiency 1–5")
    admin.get_by_role("link", name="Proficiency 1–5").click()
    # a descriptor without a label is refused, naming the row
    admin.get_by_label("Descriptor of level 6", exact=True).fill("Known beyond the organisation.")
    admin.get_by_role("button", name="Save scale").click()
    expect(admin.locator("#form-error")).to_contain_text("Give this level a label.")
    expect(admin.get_by_label("Label of level 6", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    admin.get_by_label("Label of level 6", exact=True).fill("Master")
    admin.get_by_role("button", name="Save scale").click()
    expect(admin.locator("#messages")).to_contain_text("Scale saved")
    expect(admin.get_by_label("Label of level 6", exact=True)).to_have_value("Master")
    assert serious_violations(admin) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SHOTS / "scale-editor.png"), full_page=True)

    admin.goto("/o/acme/skills/scales/?new=1")
    admin.get_by_label("Name").fill("Academy grades 1–8")
    for number in range(1, 9):
        admin.get_by_label(f"Label of level {number}", exact=True).fill(f"Grade {number}")
    admin.get_by_role("button", name="Save scale").click()
    admin.get_by_role("link", name="Map to Proficiency 1–5").click()
    expect(admin.get_by_label("Level 8 counts as")).to_have_value("6")  # proposed: top to top
    admin.get_by_label("Level 7 counts as").select_option("6")
    admin.screenshot(path=str(SHOTS / "scale-mapping.png"), full_page=True)
    admin.get_by_role("button", name="Save mapping").click()
    expect(admin.locator("#mapping-list")).to_contain_text("7→6")
    assert serious_violations(admin) == []


def _upload(admin: Page, tmp_path: Path, text: str) -> None:
    path = tmp_path / "roles.csv"
    path.write_text(text, encoding="utf-8")
    admin.get_by_label("CSV file").set_input_files(str(path))
    admin.get_by_role("button", name="Preview").click()


def test_admin_edits_a_scale_and_applies_a_role_csv(browser, live_server, org, tmp_path) -> None:
    from microcred_web.skills.models import PersonRole

    organisation, users = org
    admin = _open(browser, live_server)
    _edit_scales(admin)

    admin.goto("/o/acme/skills/roles/")
    admin.get_by_role("link", name="Roles in bulk (CSV)").click()
    header = "email,current_role,target_roles\n"
    _upload(
        admin,
        tmp_path,
        header + "zoe@acme.example,Warehouse operative,Team lead\nghost@acme.example,Team lead,\n",
    )
    expect(admin.locator("#preview-table")).to_contain_text("Current role: — → Warehouse operative")
    expect(admin.locator("#preview-table")).to_contain_text(
        "No member of this organisation has this e-mail address."
    )
    expect(admin.locator("#apply-form")).to_have_count(0)
    _upload(admin, tmp_path, header + "zoe@acme.example,Warehouse operative,Team lead\n")
    expect(admin.locator("#preview-table")).to_contain_text("Add target roles: Team lead")
    assert serious_violations(admin) == []
    admin.screenshot(path=str(SHOTS / "roles-preview.png"), full_page=True)
    assert not PersonRole.objects.filter(user=users["learner"]).exists()  # a preview only
    admin.get_by_role("button", name="Apply all rows").click()
    expect(admin.locator("#messages")).to_contain_text("Roles updated for 1 people.")
    expect(admin.get_by_label("Current role of Learner")).to_have_value(
        str(PersonRole.objects.get(user=users["learner"]).current_id)
    )
    person = PersonRole.objects.get(organisation=organisation, user=users["learner"])
    assert person.current.name == "Warehouse operative"
    assert [t.name for t in person.targets.all()] == ["Team lead"]
