"""A third-party app connects to a learner's wallet over OAuth 2.0: it registers itself
(RFC 7591), sends the learner to the consent page in Chromium, the learner allows it, and the
app exchanges the code (PKCE S256) and reads the learner's credentials through the OB 3.0 API;
the learner then withdraws access on "Connected apps" and the token stops working.

The app's redirect URI is a loopback address that Chromium never reaches: the browser's request
to it is intercepted, which is where a real app would receive the code."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, Route, expect
from test_wallet_journey import serious_violations

pytestmark = pytest.mark.e2e
LEARNER = "learner@northwind.example"
REDIRECT_URI = "http://127.0.0.1:9/callback"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"


def call(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


@pytest.fixture
def oauth_demo(transactional_db, settings, live_server):
    settings.BASE_URL = live_server.url
    from microcred_web.orgs.demo import demo_load

    demo_load()


def test_consent_then_the_app_reads_the_credentials(
    page: Page, live_server, oauth_demo, demo_password, shot
):
    base = live_server.url
    status, _headers, discovery = call(base + "/ims/ob/v3p0/discovery")
    scheme = discovery["components"]["securitySchemes"]["OAuth2ACG"]
    flow = scheme["flows"]["authorizationCode"]
    registration = {
        "client_name": "Career Passport",
        "client_uri": "https://passport.example/",
        "tos_uri": "https://passport.example/terms",
        "policy_uri": "https://passport.example/privacy",
        "software_id": "career-passport",
        "software_version": "2.0",
        "redirect_uris": [REDIRECT_URI],
        "scope": f"{OB}credential.readonly {OB}profile.readonly",
    }
    status, _headers, client = call(
        scheme["x-imssf-registrationUrl"],
        json.dumps(registration).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 201
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    authorize = (
        flow["authorizationUrl"]
        + "?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "scope": registration["scope"],
                "state": "s-42",
                "code_challenge": challenge.decode(),
                "code_challenge_method": "S256",
            }
        )
    )
    received: list[str] = []

    def capture(route: Route) -> None:
        received.append(route.request.url)
        route.fulfill(status=200, body="connected", content_type="text/plain")

    page.route("http://127.0.0.1:9/**", capture)
    sign_in(page, LEARNER, demo_password)
    page.wait_for_url("**/o/**")
    page.goto(authorize)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Career Passport")
    expect(page.locator("#consent-scopes li")).to_have_count(2)
    expect(page.locator("#consent-scopes")).to_contain_text("See all the credentials")
    shot("oauth-consent")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Allow", exact=True).click()
    page.wait_for_url("http://127.0.0.1:9/**")
    query = parse_qs(urlsplit(received[-1]).query)
    assert query["state"] == ["s-42"]

    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode())
    status, _headers, tokens = call(
        flow["tokenUrl"],
        urlencode(
            {
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            }
        ).encode(),
        {
            "Authorization": "Basic " + basic.decode(),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert status == 200
    bearer = {"Authorization": "Bearer " + tokens["access_token"]}
    status, headers, body = call(base + "/ims/ob/v3p0/credentials", headers=bearer)
    assert status == 200 and int(headers["X-Total-Count"]) >= 2
    names = {c["credentialSubject"]["achievement"]["name"] for c in body["credential"]}
    assert len(names) >= 2

    page.goto("/wallet/")
    page.locator("#user-menu summary").click()
    page.get_by_role("link", name="Connected apps").click()
    expect(page.locator("#connected-apps")).to_contain_text("Career Passport")
    shot("oauth-connected-apps")
    assert serious_violations(page) == []
    passport = page.locator("section.connected-app", has_text="Career Passport").filter(
        has_not_text="(demo)"
    )
    passport.get_by_role("button", name="Withdraw access").click()
    expect(page.locator("#messages")).to_contain_text("can no longer use your account")
    expect(page.locator("#connected-apps")).to_contain_text("Career Passport (demo)")
    expect(passport).to_have_count(0)
    status, headers, body = call(base + "/ims/ob/v3p0/credentials", headers=bearer)
    assert status == 401 and body["imsx_codeMajor"] == "failure"
