"""Wallet apps in Chromium: the demo learner shows the QR codes of a credential and the wallet
counterpart (tests/counterparts/wallet.py) redeems the offer over HTTP with the PIN on screen;
then a verifier page asks a wallet for credentials and updates itself with the verdict."""

from __future__ import annotations

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect
from test_wallet_journey import serious_violations

from counterparts.wallet import Wallet
from microcred_web.wallet_protocols.metadata import LDP_VC

pytestmark = pytest.mark.e2e
LEARNER = "learner@northwind.example"


@pytest.fixture
def wallet_apps_demo(transactional_db, settings, live_server):
    settings.BASE_URL = live_server.url  # before signing: the issuer's did:web names it
    from microcred_web.orgs.demo import demo_load

    demo_load()


def _active_credential():
    from django.utils import timezone

    from microcred_web.issuing.models import Credential, CredentialStatus

    for credential in Credential.objects.filter(recipient_user__email=LEARNER).order_by("pk"):
        if credential.status_at(timezone.now()) == CredentialStatus.ACTIVE:
            return credential
    raise AssertionError("the demo learner holds an active credential")


def test_learner_adds_a_credential_then_a_verifier_asks_for_it(
    page: Page, live_server, wallet_apps_demo, demo_password, shot
):
    credential = _active_credential()
    wallet = Wallet(live_server.url)
    sign_in(page, LEARNER, demo_password)
    page.wait_for_url("**/o/**")
    page.goto(f"/credentials/{credential.public_id}")
    page.locator("#add-to-wallet-app").click()
    expect(page.get_by_role("heading", name="Add to a wallet app")).to_be_visible()
    page.get_by_role("button", name="Show the QR codes").click()
    expect(page.get_by_role("img", name="QR code for an OpenID4VCI wallet app")).to_be_visible()
    assert serious_violations(page) == []
    shot("wallet-apps-offer")
    link = page.locator("#offer-link").get_attribute("href")
    pin = page.locator("#tx-code").inner_text()
    received = wallet.receive(link or "", tx_code=pin, configuration=LDP_VC)
    assert received["id"] == credential.document["id"]
    page.goto(f"/wallet-apps/credentials/{credential.public_id}/")
    expect(page.locator("#deliveries")).to_contain_text(wallet.did[:30])

    verifier = page.context.browser.new_page(base_url=live_server.url)  # type: ignore[union-attr]
    verifier.goto("/verify/")
    verifier.locator("#ask-a-wallet").click()
    verifier.get_by_role("button", name="Show a QR code").click()
    expect(verifier.locator("#request-result")).to_contain_text("Waiting for the wallet app")
    assert serious_violations(verifier) == []
    deep_link = verifier.locator("#request-link").get_attribute("href")
    response = wallet.exchange(deep_link or "", [received])
    assert response.status_code == 200, response.text
    expect(verifier.locator("#request-done")).to_contain_text("Valid", timeout=15_000)
    expect(verifier.locator("#request-done")).to_contain_text(wallet.did)
    verifier.close()
