"""The public skills page in Chromium: a learner shows one skill publicly and another to her
organisation only; a visitor (not signed in) follows the link on her public profile and sees
only the public skill, with its verified mark."""

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
def learner_email(transactional_db, settings, live_server, tmp_path) -> str:
    from microcred_web.accounts.models import User
    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services as issuing
    from microcred_web.orgs import services
    from microcred_web.skills import endorsements, evidence, importing
    from microcred_web.skills import services as skill_services
    from microcred_web.skills.models import Skill
    from microcred_web.wallet import services as wallet

    settings.BASE_URL = live_server.url
    settings.SKILL_VECTORS_DIR = tmp_path
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    learner = User.objects.create_user("lea@acme.example", PASSWORD, display_name="Léa Martin")
    services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    services.membership_add(organisation=org, user=learner, roles=("learner",))
    importing.framework_import_case(organisation=org, actor=admin, content=CASE_FILE.read_bytes())
    skills = {s.label: s for s in Skill.objects.filter(organisation=org)}
    achievement = achievements.achievement_create(
        organisation=org,
        actor=admin,
        values={
            "name": "Forklift safety",
            "description": "Operates a counterbalance forklift safely.",
            "criteria": "Passed the practical assessment.",
            "achievement_type": "Certificate",
        },
    )
    achievements.achievement_publish(achievement=achievement, actor=admin)
    skill_services.alignment_set(
        achievement=achievement, actor=admin, rows=[(skills["Forklift operation"].pk, 3)]
    )
    achievement.refresh_from_db()
    issuing.credentials_issue(
        organisation=org,
        achievement_version=achievement.current_version,
        recipients=[issuing.RecipientInput(email=learner.email, name="Léa Martin")],
        actor=admin,
        source="test",
        deliver=False,
    )
    evidence.evidence_sync_person(organisation=org, user=learner)
    endorsements.self_assess(organisation=org, user=learner, skill=skills["Stock control"], level=2)
    wallet.wallet_profile_update(user=learner, handle="lea-martin")
    return learner.email


def test_visitor_sees_only_the_public_skill(browser: Browser, live_server, learner_email):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, learner_email, PASSWORD)
    page.goto("/o/acme/skills/mine/")
    page.get_by_label("Who sees Forklift operation").select_option("public")
    page.locator(
        "form.visibility-form", has=page.get_by_label("Who sees Forklift operation")
    ).get_by_role("button", name="Save").click()
    page.get_by_label("Who sees Stock control").select_option("organisation")
    page.locator(
        "form.visibility-form", has=page.get_by_label("Who sees Stock control")
    ).get_by_role("button", name="Save").click()
    expect(page.locator("#my-public-skills")).to_be_visible()
    context.close()

    visitor = browser.new_context(base_url=live_server.url, locale="en-GB")
    public = visitor.new_page()
    public.set_default_timeout(30_000)
    public.goto("/u/lea-martin/")
    public.locator("#public-skills-link").click()
    table = public.locator("#public-skills")
    expect(table).to_contain_text("Forklift operation")
    expect(table).to_contain_text("Verified")
    expect(table).not_to_contain_text("Stock control")
    expect(public.locator("body")).not_to_contain_text("lea@acme.example")
    assert serious_violations(public) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    public.screenshot(path=str(SHOTS / "public-skills.png"), full_page=True)
    visitor.close()
