"""A learner connects their wallet to an external Open Badges 3.0 host — a second microcred
instance in its own process (tests/counterparts/microcred_host.py) — in Chromium: they give the
host's address, sign in there, allow the connection on its consent page, come back, choose a
credential and send it; the host verifies it and keeps it in their wallet there.

The host listens on 127.0.0.2: browsers share cookies between ports of one address, so two
instances on 127.0.0.1 would overwrite each other's session cookie."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_wallet_journey import serious_violations

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "counterparts"))

from browser_steps import sign_in
from did_key_credential import did_key_credential
from microcred_host import LEARNER_EMAIL, LEARNER_PASSWORD, MicrocredHost, host_start

pytestmark = pytest.mark.e2e
LEARNER = "learner@northwind.example"


@pytest.fixture(scope="module")
def external_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MicrocredHost]:
    host = host_start(tmp_path_factory.mktemp("ob3-host-e2e"), address="127.0.0.2")
    yield host
    host.stop()


@pytest.fixture
def connect_demo(transactional_db, settings, live_server):
    settings.BASE_URL = live_server.url
    settings.MICROCRED_OB3_CLIENT_ALLOW_PRIVATE = True  # the host runs on loopback here
    settings.MICROCRED_OB3_CLIENT_ALLOW_HTTP = True
    from microcred_web.accounts.models import User
    from microcred_web.orgs.demo import demo_load
    from microcred_web.wallet.services import credential_import

    demo_load()
    learner = User.objects.get(email=LEARNER)
    credential_import(user=learner, data=did_key_credential("Safe lifting").encode())


def test_learner_connects_a_host_and_sends_a_credential(
    page: Page, connect_demo, external_host, demo_password, shot
):
    sign_in(page, LEARNER, demo_password)
    page.wait_for_url("**/o/**")
    page.goto("/wallet/")
    page.get_by_role("link", name="Connected hosts").first.click()
    expect(page.locator("#connected-hosts")).to_contain_text("Contoso Academy Badges")  # demo
    assert serious_violations(page) == []
    page.get_by_label("Address of the Open Badges host").fill(external_host.url)
    page.get_by_role("button", name="Connect", exact=True).click()

    # at the host: sign in there, then its consent page names our wallet and what it may do
    page.wait_for_url(f"{external_host.url}/accounts/sign-in/**")
    sign_in_at_host(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("microcred wallet")
    expect(page.locator("#consent-scopes")).to_contain_text("Add credentials to your wallet")
    shot("ob3-connect-consent-at-host")
    page.get_by_role("button", name="Allow", exact=True).click()

    # back home, connected: choose a credential and send it
    page.wait_for_url("**/wallet/hosts/*/")
    expect(page.locator("#messages")).to_contain_text("Your wallet is connected to microcred.")
    expect(page.locator("#host-state")).to_have_text("Connected")
    page.get_by_label("Safe lifting").check()
    page.get_by_role("button", name="Send the chosen credentials").click()
    expect(page.locator("#messages")).to_contain_text("Safe lifting: Added to microcred.")
    expect(page.locator("#host-activity")).to_contain_text("Safe lifting")
    shot("ob3-connect-sent")
    assert serious_violations(page) == []
    assert external_host.imports_of_learner() == [("Safe lifting", "valid")]

    page.get_by_role("button", name="Disconnect").click()
    expect(page.locator("#messages")).to_contain_text("withdrew this wallet's access")
    assert external_host.live_tokens() == 0


def sign_in_at_host(page: Page) -> None:
    page.get_by_label("E-mail address").fill(LEARNER_EMAIL)
    page.get_by_label("Password").fill(LEARNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
