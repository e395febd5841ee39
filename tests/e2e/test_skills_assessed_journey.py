"""Assessed skills in Chromium (issue 17 items 2–3): an administrator aligns a rubric
criterion to a skill from the rubric page (keyboard only), the assessor accepts the
learner's submission, and the learner's profile shows the skill as *assessed* with its trail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_steps import sign_in
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots-sk-evidence"))
CASE_FILE = Path(__file__).resolve().parents[1] / "vectors" / "skills" / "warehouse-case.json"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def acme(transactional_db, settings, live_server):
    """Acme with a CASE framework, a published achievement and its portfolio requirement
    with a two-criterion rubric; the learner has submitted her portfolio."""
    from microcred_web.accounts.models import User
    from microcred_web.achievements import services as achievements
    from microcred_web.assessments import definitions
    from microcred_web.assessments import services as assessments
    from microcred_web.orgs import services
    from microcred_web.skills import importing

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Logistics", slug="acme")
    users = {}
    for key, email, name, roles in (
        ("admin", "admin@acme.example", "Ada Admin", ("admin", "issuer")),
        ("learner", "zoe@acme.example", "Zoë Dubois", ("learner",)),
        ("assessor", "ali@acme.example", "Ali Assessor", ("assessor",)),
    ):
        users[key] = User.objects.create_user(email, PASSWORD, display_name=name)
        services.membership_add(organisation=org, user=users[key], roles=roles)
    admin, learner = users["admin"], users["learner"]
    importing.framework_import_case(organisation=org, actor=admin, content=CASE_FILE.read_bytes())
    achievement = achievements.achievement_create(
        organisation=org,
        actor=admin,
        values={
            "name": "Stock room portfolio",
            "description": "Keeps the stock room in order.",
            "criteria": "An assessed portfolio.",
        },
    )
    achievements.achievement_publish(achievement=achievement, actor=admin)
    requirement = definitions.requirement_create(
        organisation=org,
        actor=admin,
        achievement=achievement,
        kind="portfolio",
        title="Stock room portfolio",
    )
    levels = [("Not yet", "Not shown", 0), ("Competent", "Shown", 2), ("Exemplary", "Teaches", 3)]
    for title in ("Counts stock accurately", "Works safely"):
        definitions.criterion_add(requirement=requirement, actor=admin, title=title, levels=levels)
    assessment = assessments.assessment_start(requirement=requirement, learner=learner)
    assessments.evidence_file_add(
        assessment=assessment,
        actor=learner,
        upload=SimpleUploadedFile("count.pdf", PDF, content_type="application/pdf"),
    )
    assessments.assessment_draft_save(
        assessment=assessment,
        actor=learner,
        reflections={str(c.public_id): f"I {c.title}" for c in requirement.criteria.all()},
        links=[],
        make_public=False,
    )
    assessments.assessment_submit(assessment=assessment, actor=learner)
    return {"requirement": requirement}


def open_as(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, email, PASSWORD)
    page.wait_for_url("**/o/acme/**")
    return page


def test_assessor_accepts_an_aligned_criterion_and_the_profile_shows_assessed(
    browser: Browser, live_server, acme
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    requirement = acme["requirement"]
    admin = open_as(browser, live_server, "admin@acme.example")
    admin.goto(f"/o/acme/assessments/requirements/{requirement.pk}/")
    admin.get_by_role("link", name="Skills of Counts stock accurately").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Skills this criterion assesses")
    # keyboard only: search, tick the skill, choose level 3, save
    admin.get_by_label("Skill", exact=True).focus()
    admin.keyboard.type("stock control")
    admin.keyboard.press("Enter")
    expect(admin.locator("#found-table")).to_contain_text("Stock control")
    admin.get_by_role("checkbox", name="Stock control").focus()
    admin.keyboard.press("Space")
    admin.keyboard.press("Tab")
    level = admin.get_by_label("Level of Stock control")
    expect(level).to_be_focused()
    level.select_option("3")
    admin.get_by_role("button", name="Save skills").focus()
    admin.keyboard.press("Enter")
    expect(admin.locator("#messages")).to_contain_text("Skills saved")
    expect(admin.locator("#alignment-table")).to_contain_text("Stock control")
    assert serious_violations(admin) == []
    admin.screenshot(path=str(SHOTS / "criterion-skills.png"), full_page=True)

    assessor = open_as(browser, live_server, "ali@acme.example")
    assessor.goto("/o/acme/assessments/queue/")
    assessor.get_by_role("link", name="Zoë Dubois").click()
    assessor.get_by_role("button", name="Take this assessment").click()
    expect(assessor.locator("#messages")).to_contain_text("Assignment saved")
    assessor.get_by_role("group", name="Counts stock accurately").get_by_label("Exemplary").check()
    assessor.get_by_role("group", name="Works safely").get_by_label("Competent").check()
    assessor.get_by_role("group", name="Your decision").get_by_label(
        "Competent", exact=True
    ).check()
    assessor.get_by_role("button", name="Record decision").click()
    expect(assessor.locator("#messages")).to_contain_text("Decision recorded")

    learner = open_as(browser, live_server, "zoe@acme.example")
    learner.goto("/o/acme/skills/mine/")
    row = learner.locator("#skills-profile tbody tr[data-skill]").filter(has_text="Stock control")
    expect(row).to_contain_text("3 ·")
    expect(row.locator(".assessed-mark")).to_have_text("Assessed")
    expect(row.locator(".verified-mark")).to_have_count(0)
    learner.get_by_text("Evidence for Stock control").click()
    trail = learner.locator("tr.trail").filter(has_text="Counts stock accurately")
    expect(trail).to_contain_text("Assessment result")
    expect(trail).to_contain_text("Assessed by Ali Assessor")
    expect(trail).to_contain_text("(Exemplary)")
    assert serious_violations(learner) == []
    learner.screenshot(path=str(SHOTS / "profile-assessed.png"), full_page=True)
    for page in (admin, assessor, learner):
        page.context.close()
