"""An anonymous visitor verifies a demo credential on /verify/: by file upload and by URL it is
valid; after the issuer revokes it the same checks say "revoked" with the reason; a tampered
copy says "tampered" and names the failed check. Desktop and phone widths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def demo_credential(transactional_db, settings, live_server):
    """The demo data with credential ids on the live server; one active demo credential,
    made public by its holder."""
    settings.BASE_URL = live_server.url
    settings.MICROCRED_VERIFY_STATUS_TTL = 0  # show a revocation on the very next check
    from microcred_web.issuing.models import Credential
    from microcred_web.orgs.demo import demo_load
    from microcred_web.verifier.verification import caches_clear

    demo_load()
    caches_clear()
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


def _verdict(page: Page) -> str:
    heading = page.locator("#verdict-heading")
    expect(heading).to_be_visible()
    return heading.inner_text()


def test_verify_upload_url_revoked_and_tampered(
    page: Page, demo_credential, tmp_path: Path, shot
) -> None:
    from microcred.baking import bake_png
    from microcred_web.issuing import services
    from microcred_web.issuing.services import credential_url

    baked = tmp_path / "badge.png"
    baked.write_bytes(bake_png(PNG, demo_credential.signed_json))
    page.goto("/verify/")
    expect(page.locator("h1")).to_have_text("Verify a credential")
    shot("verify-empty-desktop")

    # by file upload
    page.locator("#credential-file").set_input_files(str(baked))
    page.locator("#verify-file").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Valid")
    expect(page.locator("#verdict-heading")).to_be_focused()
    expect(page.locator("#verify-checks [data-check=proof]")).to_contain_text(
        "Signed by the issuer and not changed since."
    )
    expect(page.locator(".verdict-title")).to_have_text(demo_credential.achievement_version.name)
    shot("verify-valid-desktop")

    # by URL (what the certificate's QR code holds)
    page.locator("#credential-url").fill(credential_url(demo_credential.public_id))
    page.locator("#verify-url").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Valid")
    assert "Valid" in _verdict(page)

    # the issuer revokes it
    services.credential_revoke(
        credential=demo_credential, actor=None, reason="Issued to the wrong person"
    )
    page.locator("#verify-url").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Revoked")
    expect(page.locator(".verdict-reason")).to_contain_text("Issued to the wrong person")
    page.goto("/verify/")
    page.locator("#credential-file").set_input_files(str(baked))
    page.locator("#verify-file").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Revoked")
    expect(page.locator("#verify-checks [data-check=status]")).to_have_attribute(
        "data-status", "fail"
    )
    shot("verify-revoked-desktop")

    # a tampered copy
    document = json.loads(demo_credential.signed_json)
    document["credentialSubject"]["achievement"]["name"] = "Chief Forklift Instructor"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    page.locator("#credential-file").set_input_files(str(tampered))
    page.locator("#verify-file").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Tampered")
    expect(page.locator(".verdict-failed")).to_contain_text("Signature")
    expect(page.locator("#verify-checks [data-check=proof]")).to_have_attribute(
        "data-status", "fail"
    )
    shot("verify-tampered-desktop")

    # phone width, without JavaScript's help: the plain form POST gives the same verdict
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/verify/")
    page.locator("#credential-text").fill(json.dumps(document))
    page.locator("#verify-text").click()
    expect(page.locator("#verdict-heading")).to_contain_text("Tampered")
    shot("verify-tampered-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
