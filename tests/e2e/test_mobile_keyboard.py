"""Small screens and the keyboard (issue 16, item 7): at 390 px the sections menu is a button
that opens and closes by keyboard (aria-expanded, focus to the first link, Escape back to the
button), the credentials list stays short and never scrolls sideways, the secondary navigation
shows a focus ring that contrasts with its white background; and the public face (item 5) at
both widths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots-wk-public"))


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def test_phone_menu_opens_and_closes_by_keyboard(page: Page, signed_in) -> None:
    page.set_viewport_size(PHONE)
    signed_in("admin@northwind.example")
    page.goto("/o/northwind/credentials/")
    button = page.locator("#nav-toggle")
    links = page.locator("#org-nav-list a")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    _shot(page, "credentials-390")

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(links.first).to_be_visible()
    expect(links.first).to_be_focused()
    _shot(page, "menu-open-390")
    page.keyboard.press("Tab")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(links.first).to_be_hidden()
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")

    # wide screens: no button, the sections in one row
    page.set_viewport_size(DESKTOP)
    expect(button).to_be_hidden()
    expect(links.first).to_be_visible()
    _shot(page, "credentials-1280")


def test_phone_menu_without_javascript_is_a_plain_list(browser, live_server, demo) -> None:
    from browser_steps import sign_in

    from microcred_web.orgs.demo import demo_password

    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "admin@northwind.example", demo_password())
    page.goto("/o/northwind/credentials/")
    expect(page.locator("#nav-toggle")).to_be_hidden()
    links = page.locator("#org-nav-list a")
    expect(links.first).to_be_visible()
    expect(links.last).to_be_visible()
    _no_sideways_scroll(page)
    context.close()


def test_credentials_list_is_short_and_fits_at_390(page: Page, signed_in) -> None:
    page.set_viewport_size(PHONE)
    signed_in("admin@northwind.example")
    page.goto("/o/northwind/credentials/")
    rows = page.locator("#credentials tbody tr")
    count = rows.count()
    assert count >= 10
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    # four short lines (five for a long achievement name), not one line per column
    assert max(heights) < 160 and sum(heights) / count < 135, heights
    page_height = page.evaluate("() => document.documentElement.scrollHeight")
    assert page_height < 1000 + 140 * count, page_height
    _shot(page, "credentials-list-390")
    _no_sideways_scroll(page)
    for path in ("/o/northwind/achievements/", "/o/northwind/people/", "/wallet/"):
        page.goto(path)
        _no_sideways_scroll(page)


def _luminance(colour: str) -> float:
    parts = [float(p) for p in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    linear = [c / 255 / 12.92 if c <= 10.31 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_secondary_navigation_focus_ring_contrasts(page: Page, signed_in) -> None:
    page.set_viewport_size(DESKTOP)
    signed_in("admin@northwind.example")
    page.goto("/o/northwind/credentials/")
    link = page.locator("#org-nav-list a").first
    for _ in range(30):  # keyboard focus, so :focus-visible applies
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    style = link.evaluate(
        """el => { const s = getComputedStyle(el);
        let n = el; let bg = 'rgba(0, 0, 0, 0)';
        while (n && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
          bg = getComputedStyle(n).backgroundColor; n = n.parentElement; }
        return {outline: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle, bg}; }"""
    )
    assert style["style"] != "none" and float(style["width"].rstrip("px")) >= 2
    ring, background = _luminance(style["outline"]), _luminance(style["bg"])
    lighter, darker = max(ring, background), min(ring, background)
    assert (lighter + 0.05) / (darker + 0.05) >= 3, style  # WCAG 1.4.11 non-text contrast
    _shot(page, "nav-focus-1280")


def test_public_pages_at_both_widths(page: Page, demo) -> None:
    from microcred_web.issuing.models import Credential

    credential = (
        Credential.objects.filter(organisation__slug="northwind", revoked_at__isnull=True)
        .order_by("pk")
        .first()
    )
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    version = credential.achievement_version
    achievement_url = f"/achievements/{version.achievement.public_id}/v{version.number}"
    for name, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(f"/credentials/{credential.public_id}")
        expect(page.locator("#qr svg")).to_be_visible()
        _no_sideways_scroll(page)
        _shot(page, f"credential-{name}")
        page.goto(achievement_url)
        expect(page.locator("#achievement-title")).to_be_visible()
        _no_sideways_scroll(page)
        _shot(page, f"achievement-{name}")
        page.goto(f"/c/{credential.public_id}/embed")
        expect(page.locator("#embed-status")).to_have_text("Valid")
        _shot(page, f"embed-{name}")
