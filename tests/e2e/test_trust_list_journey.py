"""A verifier configured with a trust list sees "issuer recognised" (issue 22, item 5).

Northwind's administrator adds the Logistics Skills Council's registry (the Digital
Credentials Consortium format, pasted) on the organisation's trust page, then verifies a demo
credential on /verify/: the verdict is "Valid" and the "Recognised issuer" line names the
council's registry and the issuer's name there. A malformed registry is refused naming the
field. Northwind's published registry is public JSON.
"""

from __future__ import annotations

import json

import pytest
from axe_steps import serious_violations
from browser_steps import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ADMIN = "admin@northwind.example"
COUNCIL = "Logistics Skills Council"


@pytest.fixture
def demo_credential(transactional_db, settings, live_server):
    """The demo data with ids on the live server; one active Northwind credential, public."""
    settings.BASE_URL = live_server.url
    from microcred_web.issuing.models import Credential
    from microcred_web.orgs.demo import demo_load
    from microcred_web.trustlists.selectors import registries_forget
    from microcred_web.verifier.verification import caches_clear

    demo_load()
    caches_clear()
    registries_forget()
    credential = (
        Credential.objects.filter(
            organisation__slug="northwind", revoked_at__isnull=True, suspended_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    assert credential is not None
    credential.is_public = True
    credential.save(update_fields=["is_public"])
    return credential


def test_admin_configures_a_registry_and_sees_the_issuer_recognised(
    page: Page, demo_credential, demo_password, shot
) -> None:
    from microcred_web.issuing.identity import issuer_did
    from microcred_web.issuing.services import credential_url

    sign_in(page, ADMIN, demo_password)
    page.wait_for_url("**/o/**")
    page.goto("/o/northwind/trust/")
    expect(page.get_by_role("heading", name="Trusted issuer registries")).to_be_visible()

    # a malformed registry is refused, naming the field
    page.get_by_label("Name", exact=True).fill(COUNCIL)
    page.get_by_label("Format").select_option("dcc")
    page.get_by_label("Or paste the registry JSON").fill('{"registry": {"did:web:x": {}}}')
    page.locator("#registry-add").click()
    expect(page.locator("#registry-error")).to_contain_text("$.registry['did:web:x'].name")

    dcc = {
        "meta": {"created": "2026-11-01T00:00:00+0000", "updated": "2026-11-01T00:00:00+0000"},
        "registry": {
            issuer_did(demo_credential.organisation): {
                "name": "Northwind Logistics (council member)",
                "url": "https://northwind.example",
                "location": "Leeds, UK",
            }
        },
    }
    page.get_by_label("Name", exact=True).fill(COUNCIL)
    page.get_by_label("Format").select_option("dcc")
    page.get_by_label("Or paste the registry JSON").fill(json.dumps(dcc))
    page.locator("#registry-add").click()
    expect(page.locator(f'#registries tr[data-registry="{COUNCIL}"]')).to_be_visible()
    shot("trust-registries")
    assert serious_violations(page) == []

    page.goto("/verify/")
    page.locator("#credential-url").fill(credential_url(demo_credential.public_id))
    page.locator("#verify-url").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Valid")
    trust = page.locator("#verify-checks [data-check=trust]")
    expect(trust).to_have_attribute("data-status", "pass")
    expect(trust).to_contain_text("Recognised issuer")
    expect(trust).to_contain_text(
        f"Issuer recognised: listed in the registry “{COUNCIL}” as "
        "“Northwind Logistics (council member)”."
    )
    shot("trust-verified")

    # Northwind also publishes the council's list among the issuers it recognises
    page.goto("/o/northwind/trust/")
    row = page.locator(f'#registries tr[data-registry="{COUNCIL}"]')
    row.get_by_label("in our published registry").check()
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_label("in our published registry")).to_be_checked()
    published = page.request.get("/o/northwind/trust/registry.json")
    assert published.ok
    body = published.json()
    assert body["name"] == "Northwind Logistics recognised issuers"
    names = [issuer["name"] for issuer in body["issuers"]]
    assert "Northwind Logistics (council member)" in names
