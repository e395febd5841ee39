"""Admin defines and issues an achievement; the learner claims it from the e-mail; the admin
revokes it and verification says so."""

from __future__ import annotations

import re

import pytest
from browser_steps import sign_in
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def people(transactional_db, settings, live_server):
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Training", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    learner = User.objects.create_user("lee@acme.example", PASSWORD, display_name="Lee Learner")
    services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    services.membership_add(organisation=org, user=learner, roles=("learner",))
    return org


def test_define_issue_claim_revoke(page: Page, browser: Browser, live_server, people) -> None:
    from microcred_web.issuing.models import Credential
    from microcred_web.issuing.verification import credential_verify

    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")
    page.goto("/o/acme/achievements/new/")
    page.locator("#id_name").fill("Forklift safety")
    page.locator("#id_description").fill("Operates a forklift safely.")
    page.locator("#id_criteria").fill("Passed the **practical** test.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Forklift safety")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#achievement-status")).to_have_text("Published")
    page.get_by_role("link", name="Issue", exact=True).click()
    page.locator("#id_email").fill("lee@acme.example")
    page.locator("#id_name").fill("Lee Learner")
    page.locator("#id_result").fill("92")
    page.get_by_role("button", name="Issue").click()
    expect(page.locator("#credential-status")).to_have_text("active")

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lee@acme.example"]
    claim_url = re.search(r"https?://\S+/claim/\S+", mail.outbox[0].body)
    assert claim_url is not None

    learner = browser.new_context(base_url=live_server.url).new_page()
    learner.goto(claim_url.group(0))
    learner.get_by_role("link", name="Sign in to keep it in your collection").click()
    learner.get_by_label("E-mail address").fill("lee@acme.example")
    learner.get_by_label("Password").fill(PASSWORD)
    learner.get_by_role("button", name="Sign in").click()
    learner.get_by_role("button", name="Add it to my collection").click()
    expect(learner.locator("h1")).to_have_text("Forklift safety")
    expect(learner.locator("#status-banner")).to_contain_text("Active")
    credential = Credential.objects.get()
    assert credential.recipient_user is not None
    assert credential.recipient_user.email == "lee@acme.example"

    page.locator("#id_action").select_option("revoke")
    page.locator("#id_reason").fill("Issued by mistake")
    page.locator("#main").get_by_role("button", name="Apply").click()
    expect(page.locator("#credential-status")).to_have_text("revoked")
    learner.reload()
    expect(learner.locator("#status-banner")).to_contain_text("Revoked")
    verdict = credential_verify(credential.document, now=timezone.now()).verdict
    assert verdict == "revoked"
