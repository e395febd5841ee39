"""Multi-factor sign-in in real Chromium: an issuer is sent to set up an authenticator app
before anything else, saves the recovery codes, signs in on a second browser with a code, and
signs that second browser out from the first one's "Your sessions" page."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from axe_steps import serious_violations
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, expect

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def issuer(transactional_db: Any, settings: Any) -> tuple[str, str]:
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services

    settings.MICROCRED_MFA_REQUIRED_ROLES = ["admin", "issuer"]  # the production default
    organisation = services.organisation_create(name="Fabrikam", slug="fabrikam")
    user = User.objects.create_user("ana@fabrikam.example", PASSWORD, display_name="Ana Issuer")
    services.membership_add(organisation=organisation, user=user, roles=("issuer",))
    return user.email, organisation.slug


def current_code(secret: str, ahead: int = 0) -> str:
    from microcred_web.mfa import totp

    return totp.code_at(secret, totp.step_of(time.time()) + ahead)


def test_an_issuer_sets_up_a_second_factor_and_signs_another_browser_out(
    page: Page, browser: Browser, live_server: Any, issuer: tuple[str, str]
) -> None:
    email, slug = issuer
    sign_in(page, email, PASSWORD)
    page.wait_for_url("**/accounts/security/authenticator/**")
    page.goto(f"/o/{slug}/")  # any other page sends back to the set-up
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.locator("#mfa-qr svg")).to_be_visible()
    secret = page.locator("#mfa-secret").inner_text().strip()
    assert serious_violations(page) == []

    page.get_by_label("Code from the app").fill(
        "000000" if current_code(secret) != "000000" else "111111"
    )
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("This code is not right.")).to_be_visible()
    page.get_by_label("Code from the app").fill(current_code(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    assert serious_violations(page) == []
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url(f"**/o/{slug}/")

    # a second browser: the password alone is not enough any more
    other_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    other = other_context.new_page()
    other.set_default_timeout(15_000)
    sign_in(other, email, PASSWORD)
    other.wait_for_url("**/accounts/sign-in/code/**")
    assert serious_violations(other) == []
    other.get_by_label("Code").fill(current_code(secret, ahead=1))
    other.get_by_role("button", name="Continue").click()
    other.wait_for_url("**/o/**")

    # the first browser sees both sessions and signs the other out
    page.goto("/accounts/sessions/")
    rows = page.locator("#sessions tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("This session")).to_be_visible()
    assert serious_violations(page) == []
    page.locator("#sessions").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("That session is signed out.")).to_be_visible()
    expect(rows).to_have_count(1)

    other.goto(f"/o/{slug}/")
    other.wait_for_url("**/accounts/sign-in/**")
    expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    other_context.close()
