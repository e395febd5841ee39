"""A referee confirms an RPL statement themselves, in Chromium on the Northwind demo: the
learner names a referee with an e-mail address and submits; the referee opens the e-mailed
link (no account), edits the words and confirms; the assessor sees "confirmed by the
referee". The e-mail itself is opened in Chromium and looked at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_steps import sign_in
from django.core import mail
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-wk-mail")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REFEREE = "ana.silva@example.org"


@pytest.fixture
def site(live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    return str(live_server.url)


def _context_page(browser: Browser, site: str) -> Page:
    page = browser.new_context(base_url=site, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return page


def _serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page (the e-mail included)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_referee_confirms_the_statement_and_the_assessor_sees_it(
    browser: Browser, site: str, demo, demo_password, tmp_path: Path
) -> None:
    learner = _context_page(browser, site)
    sign_in(learner, "bjorn.andersson@northwind.example", demo_password)
    learner.wait_for_url("**/o/**")
    learner.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="My evidence"
    ).click()
    learner.get_by_role("button", name="Claim from prior learning").click()
    learner.get_by_label("Your prior experience or earlier certificate").fill(
        "Three years on the help desk of a parcel carrier; certificate in complaint handling."
    )
    learner.get_by_label("Referee name").fill("Ana Silva")
    learner.get_by_label("Relationship to you").fill("Help-desk supervisor")
    learner.get_by_label("E-mail", exact=True).fill(REFEREE)
    learner.get_by_label("Statement").fill("Björn handled escalated complaints calmly.")
    learner.get_by_label("Reflection: Resolves a complaint").fill(
        "I resolved about thirty complaints a week, escalating only refunds above the limit."
    )
    mail.outbox.clear()
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator("#assessment-status")).to_have_text("Submitted")
    expect(learner.locator("#referees")).to_contain_text("Awaiting the referee")

    [message] = [m for m in mail.outbox if m.to == [REFEREE]]
    html = message.alternatives[0][0]
    email_file = SHOTS / "referee-email.html"
    SHOTS.mkdir(parents=True, exist_ok=True)
    email_file.write_text(html, encoding="utf-8")
    viewer = _context_page(browser, site)
    viewer.goto(email_file.as_uri())
    expect(viewer.locator("#email-button")).to_have_text("Confirm or decline")
    _shot(viewer, "referee-email")
    assert _serious_violations(viewer) == []
    link = re.search(r'id="email-button" href="([^"]+)"', html)
    assert link is not None and link.group(1).startswith(site)

    referee = _context_page(browser, site)  # no account, no session
    referee.goto(link.group(1))
    expect(referee.get_by_role("heading", level=1)).to_have_text("Confirm a statement")
    expect(referee.get_by_label("Your statement")).to_have_value(
        "Björn handled escalated complaints calmly."
    )
    referee.get_by_label("Your statement").fill(
        "I supervised Björn for three years: he handled escalated complaints calmly and well."
    )
    _shot(referee, "referee-page")
    assert _serious_violations(referee) == []
    referee.get_by_role("button", name="Confirm this statement").click()
    expect(referee.locator("#referee-answer")).to_contain_text("You confirmed the statement")
    referee.reload()  # the link works once: no form any more
    expect(referee.get_by_role("button", name="Confirm this statement")).to_have_count(0)

    assessor = _context_page(browser, site)
    sign_in(assessor, "assessor@northwind.example", demo_password)
    assessor.wait_for_url("**/o/**")
    assessor.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Assessments"
    ).click()
    assessor.get_by_role("link", name="Björn Andersson").click()
    referees = assessor.locator("#referees")
    expect(referees).to_contain_text("Confirmed by the referee on")
    expect(referees).to_contain_text("I supervised Björn for three years")
    _shot(assessor, "assessor-sees-referee")
    assert _serious_violations(assessor) == []
    for page in (learner, viewer, referee, assessor):
        page.context.close()
