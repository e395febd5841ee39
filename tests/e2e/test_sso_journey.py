"""Single sign-on in real Chromium: an administrator connects Northwind to an OpenID Provider
(django-oauth-toolkit in a second process on loopback), then a new colleague signs in through
it from the sign-in page and lands in Northwind with the role her group maps to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_steps import serious_violations
from playwright.sync_api import Page, expect
from tests.counterparts.oidc_idp.runner import OidcProvider

IDP_PASSWORD = "idp-pass-1"
CLIENT_ID, CLIENT_SECRET = "microcred-northwind", "northwind-idp-secret"


@pytest.fixture
def provider(settings, live_server, tmp_path) -> Iterator[OidcProvider]:
    settings.MICROCRED_SSO_ALLOW_PRIVATE = True
    settings.MICROCRED_SSO_ALLOW_HTTP = True
    running = OidcProvider(tmp_path)
    running.seed(
        clients=[
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{live_server.url}/sso/northwind/callback/"],
                "post_logout_redirect_uris": [f"{live_server.url}/accounts/sign-in/"],
            }
        ],
        users=[
            {
                "username": "nadia",
                "password": IDP_PASSWORD,
                "email": "nadia.haddad@northwind.example",
                "name": "Nadia Haddad",
                "groups": ["Northwind-Learning-Team", "All-Staff"],
            }
        ],
    )
    yield running
    running.stop()


def test_a_colleague_signs_in_through_the_identity_provider(
    page: Page, signed_in, provider: OidcProvider, shot
) -> None:
    from microcred_web.orgs.models import Membership

    # the administrator connects Northwind's provider
    signed_in("admin@northwind.example")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", name="Single sign-on")).to_be_visible()
    page.get_by_label("Enabled").check()
    page.get_by_label("Issuer URL").fill(provider.issuer)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Single sign-on settings saved.")).to_be_visible()
    expect(page.get_by_text("Status: enabled.")).to_be_visible()
    shot("sso-settings")
    assert serious_violations(page) == []
    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()

    # a colleague who has never been here finds the provider by her e-mail
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    assert serious_violations(page) == []
    page.get_by_label("Work e-mail address").fill("nadia.haddad@northwind.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("User name").fill("nadia")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()

    # back in microcred, signed in, with the role her group maps to
    page.wait_for_url("**/o/northwind/")
    expect(page.get_by_role("link", name="Credentials", exact=True).first).to_be_visible()
    shot("sso-signed-in")
    membership = Membership.objects.get(
        user__email="nadia.haddad@northwind.example", organisation__slug="northwind"
    )
    assert membership.role_names == ["issuer"]

    # signing out ends the session here and at the provider
    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider.base}/**")
    page.goto("/o/northwind/")
    page.wait_for_url("**/accounts/sign-in/**")
