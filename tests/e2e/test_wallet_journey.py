"""A learner opens the wallet, makes a credential public and adds it to LinkedIn (the request
to linkedin.com is intercepted: no internet needed); an anonymous visitor opens its page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from browser_steps import sign_in
from playwright.sync_api import Browser, Page, Route, expect

pytestmark = pytest.mark.e2e
LEARNER = "learner@northwind.example"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious or critical violations on the page (ids and first targets)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (package.json lists it)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def wallet_demo(transactional_db, settings, live_server):
    settings.BASE_URL = live_server.url
    from microcred_web.orgs.demo import demo_load

    demo_load()


def test_wallet_public_linkedin_and_anonymous_visit(
    page: Page, browser: Browser, live_server, wallet_demo, demo_password, shot
) -> None:
    from microcred_web.analytics.models import CredentialEvent
    from microcred_web.issuing.models import Credential, IssuerProfile

    sign_in(page, LEARNER, demo_password)
    page.goto("/wallet/")
    expect(page.locator("h1")).to_have_text("My wallet")
    cards = page.locator("#wallet-items > li")
    expect(cards.first).to_be_visible()
    expect(page.locator("#wallet-items .badge-private").first).to_have_text("Private")
    shot("wallet-home")
    assert serious_violations(page) == []

    credential = (
        Credential.objects.filter(recipient_user__email=LEARNER, revoked_at__isnull=True)
        .select_related("achievement_version", "organisation")
        .order_by("pk")
        .first()
    )
    assert credential is not None and not credential.is_public
    name = credential.achievement_version.name
    page.locator("#wallet-items").get_by_role("link", name=name).first.click()
    expect(page.locator("h1")).to_have_text(name)
    page.get_by_role("button", name="Make public").click()
    expect(page.locator("#privacy-state")).to_contain_text("Public")
    credential.refresh_from_db()
    assert credential.is_public
    shot("wallet-credential")
    assert serious_violations(page) == []

    seen: list[str] = []

    def linkedin(route: Route) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn</title>ok")

    page.route("https://www.linkedin.com/**", linkedin)
    # the demo already has activity (reports): count what this visit adds
    linkedin_before = CredentialEvent.objects.filter(credential=credential, kind="linkedin").count()
    views_before = CredentialEvent.objects.filter(credential=credential, kind="view").count()
    page.get_by_role("link", name="Add to LinkedIn profile").click()
    page.wait_for_url("https://www.linkedin.com/**")
    assert len(seen) == 1
    url = urlsplit(seen[0])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    params = dict(parse_qsl(url.query))
    profile = IssuerProfile.objects.filter(organisation=credential.organisation).first()
    expected_issuer = (profile.name if profile else "") or credential.organisation.name
    public_url = f"{live_server.url}/credentials/{credential.public_id}"
    assert params.pop("startTask") == "CERTIFICATION_NAME"
    assert params.pop("name") == name
    assert params.pop("organizationName") == expected_issuer
    assert params.pop("issueYear") == str(credential.issued_at.year)
    assert params.pop("issueMonth") == str(credential.issued_at.month)
    if credential.valid_until is not None:
        assert params.pop("expirationYear") == str(credential.valid_until.year)
        assert params.pop("expirationMonth") == str(credential.valid_until.month)
    assert params.pop("certUrl") == public_url
    assert params.pop("certId") == str(credential.public_id)
    assert params == {}
    linkedin_after = CredentialEvent.objects.filter(credential=credential, kind="linkedin").count()
    assert linkedin_after == linkedin_before + 1

    visitor = browser.new_context(base_url=live_server.url)
    anonymous = visitor.new_page()
    anonymous.goto(f"/credentials/{credential.public_id}")
    expect(anonymous.locator("h1")).to_have_text(name)
    expect(anonymous.locator("#status-banner")).to_contain_text("Active")
    og_url = anonymous.locator('meta[property="og:url"]').get_attribute("content")
    assert og_url == public_url
    og_image = anonymous.locator('meta[property="og:image"]').get_attribute("content") or ""
    assert og_image.startswith(live_server.url)
    assert anonymous.request.get(og_image).status == 200
    anonymous.screenshot(path="/tmp/shots/wallet-public-desktop.png", full_page=True)
    anonymous.set_viewport_size({"width": 390, "height": 844})
    anonymous.reload()
    expect(anonymous.locator("#status-banner")).to_be_visible()
    anonymous.screenshot(path="/tmp/shots/wallet-public-phone.png", full_page=True)
    views_after = CredentialEvent.objects.filter(credential=credential, kind="view").count()
    assert views_after == views_before + 2
    visitor.close()


def test_issuer_insights_page(page: Page, wallet_demo, demo_password, shot) -> None:
    from microcred_web.analytics.services import event_record
    from microcred_web.issuing.demo import ISSUER_EMAIL
    from microcred_web.issuing.models import Credential

    credential = Credential.objects.filter(organisation__slug="northwind").first()
    assert credential is not None
    sign_in(page, ISSUER_EMAIL, demo_password)
    page.wait_for_url("**/o/**")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Insights").click()
    expect(page.locator("h1")).to_have_text("Insights")
    # the demo already has activity (reports): three more shares add exactly three
    shares_before = int(page.locator("#total-share").inner_text().replace(",", ""))
    for channel in ("linkedin", "email", "copy"):
        event_record(
            kind="share",
            credential_id=credential.pk,
            organisation_id=credential.organisation_id,
            channel=channel,
        )
    event_record(
        kind="verify",
        credential_id=credential.pk,
        organisation_id=credential.organisation_id,
        result="valid",
    )
    page.reload()
    expect(page.locator("#total-share")).to_have_text(str(shares_before + 3))
    expect(page.locator("#chart-issued")).to_be_visible()
    page.get_by_role("link", name="Last 90 days").click()
    expect(page.locator("#total-issued")).not_to_have_text("0")
    shot("insights")
    assert serious_violations(page) == []


def test_import_and_public_profile(
    page: Page, browser: Browser, live_server, wallet_demo, demo_password, shot, monkeypatch
) -> None:
    from key_forgery import remote_documents
    from ob30_issuers import issuer_documents

    # the fixture issuers' controller documents, as the web would serve them (decision 0017)
    fixture_web = remote_documents(issuer_documents())
    monkeypatch.setattr("microcred_web.common.safe_fetch.safe_fetch", fixture_web)
    vectors = Path(__file__).resolve().parents[1] / "vectors" / "ob30"
    sign_in(page, LEARNER, demo_password)
    page.goto("/wallet/import/")
    page.get_by_label("Credential file").set_input_files(str(vectors / "simple-json.png"))
    page.locator("#import-file-form").get_by_role("button", name="Import").click()
    expect(page.locator("#import-label")).to_have_text("Verified")
    page.get_by_role("button", name="Show on my profile").click()
    shot("wallet-imported")
    page.goto("/wallet/import/")
    page.get_by_label("Credential file").set_input_files(str(vectors / "simple-err-expired.json"))
    page.locator("#import-file-form").get_by_role("button", name="Import").click()
    expect(page.locator("#import-label")).to_have_text("Expired")
    page.goto("/wallet/import/")
    page.get_by_label("Address of a hosted Open Badges 2.0 assertion").fill("http://10.0.0.1/a")
    page.locator("#import-url-form").get_by_role("button", name="Fetch and import").click()
    expect(page.locator("#import-url-form")).to_contain_text("https")
    shot("wallet-import-refused")
    page.goto("/wallet/profile/")
    page.get_by_label("Profile address").fill("zoe-dubois")
    page.get_by_role("button", name="Save").click()
    anonymous = browser.new_context(base_url=live_server.url).new_page()
    anonymous.goto("/u/zoe-dubois/")
    expect(anonymous.locator("#profile-items > li")).to_have_count(1)  # only the public import
    anonymous.screenshot(path="/tmp/shots/wallet-profile.png", full_page=True)
    assert serious_violations(anonymous) == []
