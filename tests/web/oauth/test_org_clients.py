"""The organisation API over OAuth 2.0: an admin registers a confidential client on the API keys
page; the client-credentials grant gives it tokens limited to the scopes ticked; each
``/api/v1`` endpoint checks its scope (403 ``insufficient_scope``, RFC 6750 §3.1) and the
organisation (404 for any other's); API keys keep working; deleting the client ends its tokens;
learner tokens and organisation tokens never cross APIs."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.urls import reverse
from oauth_client import OAuthClient

from microcred_web.issuing import services as issuing_services
from microcred_web.oauth.scopes import ORG_SCOPE_WORDS

UUID0 = "00000000-0000-4000-8000-000000000000"
#: every organisation endpoint: (method, path after /api/v1/orgs/<slug>, scope, JSON body)
ENDPOINTS = [
    ("get", "/achievements", "org.achievements.read", None),
    ("post", "/credentials", "org.credentials.issue", {"achievement_id": 999999, "recipients": []}),
    ("get", f"/credentials/{UUID0}", "org.credentials.read", None),
    ("post", f"/credentials/{UUID0}/revoke", "org.credentials.manage", {"reason": "x"}),
    ("post", f"/credentials/{UUID0}/suspend", "org.credentials.manage", {"reason": "x"}),
    ("post", f"/credentials/{UUID0}/unsuspend", "org.credentials.manage", {"reason": "x"}),
    ("get", "/skills/people/999999/profile", "org.people.read", None),
    ("get", "/skills/people/999999/gaps", "org.people.read", None),
    ("get", "/skills/people/999999/recommendations", "org.people.read", None),
]
BOUNCE = ("post", "/api/v1/deliveries/bounces", "org.deliveries.write", {"email": "a@b.example"})


def register_on_page(client, world, scopes: list[str], name: str = "HR sync") -> tuple[str, str]:
    client.force_login(world.people["admin"])
    page = client.post(
        reverse("issuing:api_keys", kwargs={"slug": world.org.slug}),
        {"form": "client", "client-name": name, "client-scopes": scopes},
    )
    assert page.status_code == 200, page.content.decode()[:3000]
    html = page.content.decode()
    client_id = re.search(r'id="new-client-id">([^<]+)<', html)[1]  # type: ignore[index]
    secret = re.search(r'id="new-client-secret">([^<]+)<', html)[1]  # type: ignore[index]
    client.logout()
    return client_id, secret


def token_for(client, client_id: str, secret: str, scope: str = "") -> dict:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    answer = client.post(reverse("oauth:token"), data, HTTP_AUTHORIZATION=f"Basic {basic}")
    return {"status": answer.status_code, **answer.json()}


def call(client, method: str, path: str, token: str, body: dict | None):
    send = getattr(client, method)
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is None:
        return send(path, **extra)
    return send(path, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def full_token(client, world) -> str:
    client_id, secret = register_on_page(client, world, list(ORG_SCOPE_WORDS))
    issued = token_for(client, client_id, secret)
    assert issued["status"] == 200 and set(issued["scope"].split()) == set(ORG_SCOPE_WORDS)
    return str(issued["access_token"])


@pytest.mark.parametrize(("method", "path", "scope", "body"), ENDPOINTS)
def test_every_endpoint_checks_scope_and_organisation(
    client, world, full_token, method, path, scope, body
):
    own, other = f"/api/v1/orgs/{world.org.slug}", f"/api/v1/orgs/{world.other.slug}"
    allowed = call(client, method, own + path, full_token, body)
    assert allowed.status_code not in (401, 403), allowed.content
    # another organisation's objects do not exist for this token
    assert call(client, method, other + path, full_token, body).status_code == 404
    # a token of the same client without this scope: 403 insufficient_scope, nothing done
    others = [s for s in ORG_SCOPE_WORDS if s != scope]
    client_id, secret = register_on_page(client, world, others, name="Narrow")
    narrow = token_for(client, client_id, secret)["access_token"]
    refused = call(client, method, own + path, narrow, body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert refused["WWW-Authenticate"] == f'Bearer error="insufficient_scope", scope="{scope}"'


def test_bounce_reports_need_their_scope(client, world, full_token):
    method, path, scope, body = BOUNCE
    assert call(client, method, path, full_token, body).status_code == 201
    client_id, secret = register_on_page(client, world, ["org.credentials.read"], name="Reader")
    reader = token_for(client, client_id, secret)["access_token"]
    refused = call(client, method, path, reader, body)
    assert refused.status_code == 403 and f'scope="{scope}"' in refused["WWW-Authenticate"]


def test_a_client_gets_only_the_scopes_it_registered(client, world):
    client_id, secret = register_on_page(client, world, ["org.credentials.read"])
    asked = token_for(client, client_id, secret, scope="org.credentials.read org.credentials.issue")
    assert asked["status"] == 400 and asked["error"] == "invalid_scope"
    narrowed = token_for(client, client_id, secret, scope="org.credentials.read")
    assert narrowed["status"] == 200 and narrowed["scope"] == "org.credentials.read"
    wrong = token_for(client, client_id, "not-the-secret")
    assert wrong["status"] == 401 and wrong["error"] == "invalid_client"


def test_deleting_the_client_ends_its_tokens(client, world, full_token):
    from microcred_web.oauth.models import OrganisationClient

    path = f"/api/v1/orgs/{world.org.slug}/achievements"
    assert call(client, "get", path, full_token, None).status_code == 200
    registered = OrganisationClient.objects.get(organisation=world.org)
    client.force_login(world.others["admin"])  # another organisation's admin cannot
    url = reverse(
        "issuing:org_client_delete", kwargs={"slug": world.other.slug, "client_id": registered.pk}
    )
    assert client.post(url).status_code == 404
    client.force_login(world.people["admin"])
    url = reverse(
        "issuing:org_client_delete", kwargs={"slug": world.org.slug, "client_id": registered.pk}
    )
    assert client.post(url).status_code == 302
    client.logout()
    assert call(client, "get", path, full_token, None).status_code == 401


def test_api_keys_keep_working_and_tokens_do_not_cross_apis(client, world, full_token):
    _key, secret = issuing_services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="script"
    )
    path = f"/api/v1/orgs/{world.org.slug}/achievements"
    assert call(client, "get", path, secret, None).status_code == 200
    # an organisation token is no learner's token on the OB 3.0 API
    assert call(client, "get", "/ims/ob/v3p0/credentials", full_token, None).status_code == 401
    # and a learner's OB 3.0 token is not an organisation token
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    learner_token = app.tokens_for()["access_token"]
    client.logout()
    assert call(client, "get", path, learner_token, None).status_code == 401


def test_registration_form_refuses_no_scope(client, world):
    client.force_login(world.people["admin"])
    page = client.post(
        reverse("issuing:api_keys", kwargs={"slug": world.org.slug}),
        {"form": "client", "client-name": "Empty", "client-scopes": []},
    )
    assert page.status_code == 400
    from microcred_web.oauth.models import OrganisationClient

    assert not OrganisationClient.objects.exists()


def test_demo_organisation_has_an_api_client(client, db):
    from microcred_web.oauth.models import OrganisationClient
    from microcred_web.orgs.demo import demo_load

    demo_load()
    demo_load()
    (registered,) = OrganisationClient.objects.filter(organisation__slug="northwind")
    assert registered.scope == "org.achievements.read org.credentials.read"
    from microcred_web.accounts.models import User

    client.force_login(User.objects.get(email="admin@northwind.example"))
    page = client.get(reverse("issuing:api_keys", kwargs={"slug": "northwind"}))
    assert "HR system sync (demo)" in page.content.decode()
