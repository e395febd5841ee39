"""A fresh install in Chromium: the operator sets the site up, creates an organisation from the
console, and that organisation's admin chooses a password and issues its first credential."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect
from test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("MICROCRED_SHOTS", "/tmp/shots"))
OPERATOR_PASSWORD = "operator-pass-long-1"
ADMIN_PASSWORD = "fabrikam-admin-pass-2"


def _shot(page: Page, name: str) -> None:
    """Screenshot the page, and check it with axe-core (no serious or critical violation)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def _setup(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup/$"))
    page.locator("#id_operator_email").fill("ops@example.org")
    page.locator("#id_operator_name").fill("Olu Operator")
    page.locator("#id_password1").fill(OPERATOR_PASSWORD)
    page.locator("#id_password2").fill(OPERATOR_PASSWORD)
    page.locator("#id_name").fill("Woodgrove Care")
    page.locator("#id_slug").fill("woodgrove")
    page.locator("#id_issuer_name").fill("Woodgrove Academy")
    _shot(page, "operator-setup")
    page.get_by_role("button", name="Set up the site").click()
    expect(page.locator("h1")).to_have_text("Operator console")


def _create_organisation(page: Page) -> str:
    page.get_by_role("link", name="New organisation").click()
    page.locator("#id_name").fill("Fabrikam Rail")
    page.locator("#id_slug").fill("fabrikam")
    page.locator("#id_admin_email").fill("ada@fabrikam.example")
    page.locator("#id_admin_name").fill("Ada Lovelace")
    page.locator("#id_issuer_url").fill("https://fabrikam.example")
    page.locator("#id_country").fill("GB")
    page.get_by_role("button", name="Create the organisation").click()
    expect(page.locator("h1")).to_have_text("Fabrikam Rail")
    message = page.locator("#messages").inner_text()
    found = re.search(r"https?://\S+/accounts/reset/\S+/", message)
    assert found is not None, message
    _shot(page, "operator-organisation")
    page.get_by_role("link", name="Operator console").first.click()
    expect(page.locator("#organisations")).to_contain_text("Fabrikam Rail")
    _shot(page, "operator-console")
    return found.group(0)


def _sign_out(page: Page) -> None:
    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()


def _admin_chooses_password(page: Page, link: str) -> None:
    page.goto(link)
    page.locator("#id_new_password1").fill(ADMIN_PASSWORD)
    page.locator("#id_new_password2").fill(ADMIN_PASSWORD)
    page.get_by_role("button").filter(has_text=re.compile("password", re.I)).first.click()
    sign_in(page, "ada@fabrikam.example", ADMIN_PASSWORD)
    page.wait_for_url("**/o/fabrikam/**")


def _first_credential(page: Page) -> None:
    page.goto("/o/fabrikam/achievements/new/")
    page.locator("#id_name").fill("Track safety")
    page.locator("#id_description").fill("Works safely near live rails.")
    page.locator("#id_criteria").fill("Passed the trackside assessment.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Track safety")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#achievement-status")).to_have_text("Published")
    page.get_by_role("link", name="Issue", exact=True).click()
    page.locator("#id_email").fill("grace@fabrikam.example")
    page.locator("#id_name").fill("Grace Hopper")
    page.get_by_role("button", name="Issue").click()
    expect(page.locator("#credential-status")).to_have_text("active")
    _shot(page, "operator-first-credential")


def test_fresh_install_to_first_credential(page: Page, live_server, transactional_db, settings):
    from microcred_web.issuing.models import Credential
    from microcred_web.orgs.models import Organisation

    settings.BASE_URL = live_server.url
    assert not Organisation.objects.exists()
    _setup(page)
    link = _create_organisation(page)
    _sign_out(page)
    _admin_chooses_password(page, link)
    _first_credential(page)
    credential = Credential.objects.get()
    assert credential.organisation.slug == "fabrikam"
    assert credential.document["issuer"]["id"].endswith(":o:fabrikam")
    assert page.goto("/setup/").status == 404  # the setup is gone
