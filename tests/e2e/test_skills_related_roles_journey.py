"""Career steps seeded from related ESCO occupations, in Chromium: an administrator imports an
ESCO slice, sees the suggested steps apart from her own links, accepts one and hides one; a
learner exploring her role sees the remaining suggestion with its reason."""

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
SLICE = Path(__file__).resolve().parents[1] / "vectors" / "skills" / "esco-related"


@pytest.fixture
def people(transactional_db, settings, live_server, tmp_path) -> tuple[str, str]:
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services
    from microcred_web.skills import importing
    from microcred_web.skills import services as skill_services
    from microcred_web.skills.models import JobRole

    settings.BASE_URL = live_server.url
    settings.SKILL_VECTORS_DIR = tmp_path
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    learner = User.objects.create_user("lea@acme.example", PASSWORD, display_name="Léa Martin")
    services.membership_add(organisation=org, user=admin, roles=("admin",))
    services.membership_add(organisation=org, user=learner, roles=("learner",))
    importing.framework_import_esco(
        organisation=org,
        actor=admin,
        skills_csv=(SLICE / "skills_en.csv").read_text(),
        occupations_csv=(SLICE / "occupations_en.csv").read_text(),
        relations_csv=(SLICE / "occupationSkillRelations_en.csv").read_text(),
    )
    skill_services.person_role_set(
        organisation=org,
        actor=admin,
        user=learner,
        current=JobRole.objects.get(organisation=org, name="stock controller"),
        targets=[],
    )
    return admin.email, learner.email


def test_admin_accepts_and_hides_suggested_steps(browser: Browser, live_server, people):
    admin_email, learner_email = people
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, admin_email, PASSWORD)
    page.goto("/o/acme/skills/roles/paths/")
    suggested = page.locator("#suggested-links")
    expect(suggested).to_contain_text("Seeded from ESCO: shares 3 essential skills")
    expect(page.locator("#no-links")).to_be_visible()  # no administrator's link yet
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "suggested-steps.png"), full_page=True)
    assert serious_violations(page) == []
    first = suggested.locator("li", has_text="forklift operator → warehouse supervisor")
    first.get_by_role("button", name="Accept").click()
    expect(page.locator("#role-links")).to_contain_text("forklift operator → warehouse supervisor")
    hidden = suggested.locator("li", has_text="warehouse supervisor → forklift operator")
    hidden.get_by_role("button", name="Hide").click()
    expect(page.locator("#messages")).to_contain_text("Suggestion hidden.")
    expect(suggested).not_to_contain_text("warehouse supervisor → forklift operator")
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, learner_email, PASSWORD)
    page.goto("/o/acme/skills/mine/explore/")
    page.get_by_label("Role").select_option(label="stock controller")
    page.get_by_role("button", name="Show").click()
    related = page.locator("#related-roles")
    expect(related).to_contain_text("forklift operator")
    expect(related).to_contain_text("Seeded from ESCO: shares 3 essential skills")
    page.screenshot(path=str(SHOTS / "explore-related.png"), full_page=True)
    context.close()
