"""axe-core (npm, injected from node_modules) on the public credential page, the public
achievement page, the embed, the credentials list (menu closed and open) and the verification
page, empty and with a verdict, at 1280 px and at 390 px: no serious or critical violations.
And the verify page by keyboard alone: Tab to the text box, paste, Tab to the button, Enter;
the verdict is announced in a live region and receives the focus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: every page is checked at a desktop width and at a phone's (iPhone 12-15: 390 px)
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["1280px", "390px"])


def _at(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})


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


@WIDTHS
def test_public_credential_page_has_no_serious_violations(
    page: Page, demo_credential, width: int
) -> None:
    _at(page, width)
    page.goto(f"/credentials/{demo_credential.public_id}")
    expect(page.locator("h1")).to_be_visible()
    assert serious_violations(page) == []


@WIDTHS
def test_public_achievement_page_and_embed(
    page: Page, browser, live_server, demo_credential, width: int
) -> None:
    _at(page, width)
    version = demo_credential.achievement_version
    page.goto(f"/achievements/{version.achievement.public_id}/v{version.number}")
    expect(page.locator("#achievement-title")).to_be_visible()
    assert serious_violations(page) == []
    # the embed's own CSP forbids inline scripts: axe is injected with CSP bypassed
    framed = browser.new_context(base_url=live_server.url, bypass_csp=True)
    embed = framed.new_page()
    _at(embed, width)
    embed.goto(f"/c/{demo_credential.public_id}/embed")
    expect(embed.locator("#embed-status")).to_be_visible()
    assert serious_violations(embed) == []
    framed.close()


@WIDTHS
def test_credentials_list_and_sections_menu(page: Page, demo_credential, width: int) -> None:
    from browser_steps import sign_in

    from microcred_web.orgs.demo import demo_password

    _at(page, width)
    sign_in(page, "admin@northwind.example", demo_password())
    page.wait_for_url("**/o/**")
    page.goto("/o/northwind/credentials/")
    expect(page.locator("#credentials")).to_be_visible()
    assert serious_violations(page) == []
    if width < 600:  # the sections menu, open
        page.locator("#nav-toggle").click()
        expect(page.locator("#org-nav-list a").first).to_be_visible()
        assert serious_violations(page) == []


@WIDTHS
def test_verify_page_empty_and_with_a_verdict(page: Page, demo_credential, width: int) -> None:
    _at(page, width)
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
