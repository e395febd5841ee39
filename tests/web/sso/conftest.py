from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.counterparts.oidc_idp.runner import OidcProvider

from microcred_web.sso import services

IDP_PASSWORD = "idp-pass-1"
CLIENTS = {
    "acme": ("microcred-acme", "acme-secret-1"),
    "beta": ("microcred-beta", "beta-secret-1"),
}
IDP_USERS = [
    {
        "username": "ann",
        "email": "ann@acme.example",
        "name": "Ann Admin",
        "groups": ["it-admins", "staff"],
    },
    {"username": "bob", "email": "bob@acme.example", "name": "Bob Staff", "groups": ["staff"]},
    {
        "username": "cat",
        "email": "cat@acme.example",
        "name": "Cat Unverified",
        "groups": ["staff"],
        "email_verified": False,
    },
    {"username": "dee", "email": "dee@acme.example", "name": "Dee Issuer", "groups": ["issuers"]},
    {"username": "eve", "email": "eve@elsewhere.example", "name": "Eve Outsider", "groups": []},
]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Iterator[OidcProvider]:
    provider = OidcProvider(tmp_path_factory.mktemp("idp"))
    provider.seed(
        clients=[
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": [f"http://testserver/sso/{slug}/callback/"],
                "post_logout_redirect_uris": ["http://testserver/accounts/sign-in/"],
            }
            for slug, (client_id, secret) in CLIENTS.items()
        ],
        users=[{**u, "password": IDP_PASSWORD} for u in IDP_USERS],
    )
    yield provider
    provider.stop()


@pytest.fixture
def sso_on_loopback(settings) -> None:
    settings.MICROCRED_SSO_ALLOW_PRIVATE = True
    settings.MICROCRED_SSO_ALLOW_HTTP = True


@pytest.fixture
def connect(oidc_provider, sso_on_loopback, make_org, make_member):
    """``connect("acme", **overrides)``: an organisation with an admin and an enabled
    connection to the test provider; returns (organisation, admin)."""

    def make(slug: str, **overrides: object):
        organisation = make_org(slug=slug, name=slug.title())
        admin = make_member(organisation, "admin", email=f"admin@{slug}-local.example")
        client_id, secret = CLIENTS[slug]
        values = {
            "enabled": True,
            "display_name": f"{slug.title()} IdP",
            "issuer": oidc_provider.issuer,
            "client_id": client_id,
            "client_secret": secret,
            "scopes": "openid email profile",
            "groups_claim": "groups",
            "group_roles": "it-admins = admin\nissuers = issuer",
            "default_role": "learner",
            "email_domains": f"{slug}.example",
            "sso_required": False,
            **overrides,
        }
        services.connection_save(organisation=organisation, actor=admin, values=values)
        return organisation, admin

    return make


@pytest.fixture
def sso_sign_in(client, oidc_provider):
    """Run the whole code flow for ``username`` at ``/sso/<slug>/``; the callback response."""

    def run(slug: str, username: str, *, browser=None, keep_callback: list | None = None):
        browser = browser or client
        start = browser.get(f"/sso/{slug}/login/")
        assert start.status_code == 302, start.content[:500]
        callback = oidc_provider.person_signs_in(start["Location"], username, IDP_PASSWORD)
        assert callback.startswith(f"http://testserver/sso/{slug}/callback/"), callback
        if keep_callback is not None:
            keep_callback.append(callback)
        parts = urlsplit(callback)
        return browser.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})

    return run
