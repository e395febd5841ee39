"""axe-core (npm, injected from node_modules) on the public credential page and the
verification page, empty and with a verdict: no serious or critical violations. And the verify
page by keyboard alone: Tab to the text box, paste, Tab to the button, Enter; the verdict is
announced in a live region and receives the focus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def demo_credential(transactional_db, settings, live_server):
    settings.BASE_URL = live_server.url
    from microcred_web.issuing.models import Credential
    from microcred_web.orgs.demo import demo_load

    demo_load()
    credential = (
        Credential.objects.filter(organisation__slug="northwind", revoked_at__isnull=True)
        .order_by("pk")
        .first()
    )
    assert credential is not None
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    return credential


def serious_violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (package.json lists it)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_credential_page_has_no_serious_violations(page: Page, demo_credential) -> None:
    page.goto(f"/credentials/{demo_credential.public_id}")
    expect(page.locator("h1")).to_be_visible()
    assert serious_violations(page) == []


def test_verify_page_empty_and_with_a_verdict(page: Page, demo_credential) -> None:
    page.goto("/verify/")
    assert serious_violations(page) == []
    page.locator("#credential-text").fill(demo_credential.signed_json)
    page.locator("#verify-text").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Valid")
    assert serious_violations(page) == []
    page.locator("#credential-url").fill("http://intranet.local/badge.json")
    page.locator("#verify-url").click()
    expect(page.locator("#verify-error")).to_contain_text("Only https://")
    assert serious_violations(page) == []


def test_verify_page_by_keyboard_alone(page: Page, demo_credential) -> None:
    page.goto("/verify/")
    target = page.locator("#credential-text")
    for _ in range(20):  # Tab from the top of the page until the text box has the focus
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    expect(target).to_be_focused()
    page.keyboard.insert_text(demo_credential.signed_json)  # what a paste types
    page.keyboard.press("Tab")
    expect(page.locator("#verify-text")).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.locator("#verdict-heading")
    expect(heading).to_contain_text("Valid")
    expect(heading).to_be_focused()
    live = page.locator("#verdict")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).to_contain_text("Verdict: Valid")
