"""The whole issuing journey in Chromium: an admin defines and issues an achievement; the learner
claims it from the e-mail (signing up on the claim page), downloads the PDF certificate and the
baked PNG; the admin revokes it and verification says so, with the reason."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from browser_steps import sign_in
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery-9"
LEARNER_EMAIL = "noemie.faure@example.org"
LEARNER_NAME = "Noémie Faure"
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))


@pytest.fixture
def people(transactional_db, settings, live_server):
    from microcred_web.accounts.models import User
    from microcred_web.orgs import services

    settings.BASE_URL = live_server.url
    org = services.organisation_create(name="Acme Training", slug="acme")
    admin = User.objects.create_user("admin@acme.example", PASSWORD, display_name="Ada Admin")
    services.membership_add(organisation=org, user=admin, roles=("admin", "issuer"))
    return org


def _define_and_issue(page: Page) -> None:
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
    page.locator("#id_email").fill(LEARNER_EMAIL)
    page.locator("#id_name").fill(LEARNER_NAME)
    page.locator("#id_result").fill("92")
    page.get_by_role("button", name="Issue").click()
    expect(page.locator("#credential-status")).to_have_text("active")


def _claim_link() -> str:
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [LEARNER_EMAIL]
    found = re.search(r"https?://\S+/claim/\S+", mail.outbox[0].body)
    assert found is not None, mail.outbox[0].body
    return found.group(0)


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _download(page: Page, link_name: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name=link_name).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_define_issue_claim_with_sign_up_download_revoke(
    page: Page, browser: Browser, live_server, people, shot, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from microcred.baking import extract
    from microcred_web.accounts.models import User
    from microcred_web.issuing.models import Credential
    from microcred_web.issuing.verification import credential_verify

    _define_and_issue(page)
    claim_url = _claim_link()

    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    learner = context.new_page()
    learner.set_default_timeout(15_000)
    learner.goto(claim_url)
    expect(learner.get_by_role("heading", level=2)).to_have_text("Create your account to keep it")
    expect(learner.locator("#main")).to_contain_text(LEARNER_EMAIL)
    _shot(learner, "claim-sign-up")
    learner.get_by_label("Your name").fill(LEARNER_NAME)
    learner.get_by_label("Choose a password").fill("une-phrase-de-passe-99")
    learner.get_by_label("Repeat the password").fill("une-phrase-de-passe-99")
    learner.get_by_role("button", name="Create my account and keep it").click()
    expect(learner.get_by_role("status")).to_contain_text("now in your wallet")
    expect(learner.locator("#credential-title")).to_have_text("Forklift safety")
    expect(learner.locator("#status-banner")).to_contain_text("Active")
    credential = Credential.objects.get()
    account = User.objects.get(email=LEARNER_EMAIL)
    assert credential.recipient_user == account and account.display_name == LEARNER_NAME

    pdf = _download(learner, "Certificate (PDF)", tmp_path)
    assert pdf.startswith(b"%PDF-")
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert LEARNER_NAME in text, text
    assert "Forklift safety" in text

    png = _download(learner, "Badge image (PNG)", tmp_path)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    baked = extract(png)
    assert b"iTXtopenbadgecredential\x00" in png  # the OB 3.0 iTXt chunk
    assert baked.format == "png" and baked.version == "3.0"
    assert json.loads(baked.payload)["id"].endswith(str(credential.public_id))
    assert credential_verify(baked.payload, now=timezone.now()).verdict == "valid"

    page.locator("#id_action").select_option("revoke")
    page.locator("#id_reason").fill("Issued by mistake")
    page.locator("#main").get_by_role("button", name="Apply").click()
    expect(page.locator("#credential-status")).to_have_text("revoked")
    learner.reload()
    expect(learner.locator("#status-banner")).to_contain_text("Revoked")
    expect(learner.locator("#status-banner")).to_contain_text("Issued by mistake")
    expect(learner.locator("#verification")).to_contain_text("Issued by mistake")
    expect(learner.locator("#downloads")).to_have_count(0)
    shot("credential-revoked-admin")
    _shot(learner, "credential-revoked-public")
    result = credential_verify(baked.payload, now=timezone.now())
    assert result.verdict == "revoked"
    status = result.report.check("status")
    assert status is not None and "Issued by mistake" in status.reason
    context.close()


def test_admin_marks_a_key_compromised_and_resends_a_bounced_credential(
    page: Page, people, shot
) -> None:
    from microcred_web.achievements import services as achievements
    from microcred_web.issuing import services
    from microcred_web.issuing.models import Credential, IssuerKey

    achievement = achievements.achievement_create(
        organisation=people,
        actor=None,
        values={"name": "Forklift safety", "description": "d", "criteria": "c"},
    )
    version = achievements.achievement_publish(achievement=achievement, actor=None)
    [credential] = services.credentials_issue(
        organisation=people,
        achievement_version=version,
        recipients=[services.RecipientInput(email="rae@exmaple.org", name="Rae Recipient")],
        actor=None,
        source="t",
    )
    services.delivery_bounce_record(email="rae@exmaple.org", reason="domain not found")
    sign_in(page, "admin@acme.example", PASSWORD)
    page.wait_for_url("**/o/acme/**")

    page.goto("/o/acme/credentials/")
    expect(page.locator("#credentials")).to_contain_text("e-mail bounced")
    shot("credentials-bounced")
    page.get_by_role("link", name="Rae Recipient").click()
    expect(page.locator("#bounce-banner")).to_contain_text("domain not found")
    shot("credential-bounced")
    page.get_by_label("Corrected e-mail address").fill("rae@example.org")
    page.get_by_role("button", name="Issue again and send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to rae@example.org")
    credential.refresh_from_db()
    assert credential.revocation_reason == "Re-sent to a corrected address"
    assert Credential.objects.filter(recipient_email="rae@example.org").count() == 1

    page.goto("/o/acme/issuer-settings/")
    page.locator("#signing-keys").get_by_role("link", name="Mark compromised…").click()
    page.get_by_label("What happened").fill("Laptop stolen")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#compromise-confirm")).to_contain_text("Please confirm")
    shot("key-compromise-confirm")
    page.get_by_role("button", name="Yes, mark it compromised").click()
    expect(page.locator("#signing-keys")).to_contain_text("compromised")
    expect(page.locator("#signing-keys")).to_contain_text("Laptop stolen")
    shot("issuer-settings-keys")
    assert (
        IssuerKey.objects.filter(organisation=people, compromised_after__isnull=False).count() == 1
    )
