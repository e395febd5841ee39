"""The OAuth 2.0 authorization server: registration (RFC 7591 + OB 3.0 fields), authorization
code with PKCE S256 only, refresh rotation, revocation (RFC 7009), introspection (RFC 7662),
the consent page and the "Connected apps" page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth_client import REDIRECT_URI, OAuthClient, pkce_pair, registration_body

from microcred_web.accounts.models import User
from microcred_web.common.models import AuditEvent
from microcred_web.oauth.models import ClientRegistration
from microcred_web.oauth.scopes import ALL_SCOPES, CREDENTIAL_READ, ORG_SCOPE_WORDS


def register(client, **overrides):
    return client.post(
        reverse("oauth:register"),
        data=json.dumps(registration_body(**overrides)),
        content_type="application/json",
    )


def test_registration_echoes_every_ob3_field(client, db):
    response = register(client)
    assert response.status_code == 201
    reply = response.json()
    for field, value in registration_body().items():
        assert reply[field] == value, field
    assert reply["client_id"] and len(reply["client_secret"]) >= 32
    assert reply["client_secret_expires_at"] == 0 and reply["client_id_issued_at"] > 0
    application = Application.objects.get(client_id=reply["client_id"])
    assert application.client_secret != reply["client_secret"]  # stored hashed
    assert ClientRegistration.objects.get(application=application).software_version == "1.2.0"
    assert AuditEvent.objects.filter(action="oauth.client_registered").count() == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"redirect_uris": ["http://shelf.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://shelf.example/cb#frag"]}, "invalid_redirect_uri"),
        ({"scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/everything"}, None),
        ({"grant_types": ["implicit"]}, None),
        ({"response_types": ["token"]}, None),
        ({"client_name": ""}, None),
        ({"client_uri": "javascript:alert(1)"}, None),
        ({"token_endpoint_auth_method": "private_key_jwt"}, None),
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_stored(client, db, overrides, error):
    response = register(client, **overrides)
    assert response.status_code == 400
    assert response.json()["error"] == (error or "invalid_client_metadata")
    assert not Application.objects.exists() and not ClientRegistration.objects.exists()


def test_registration_needs_a_json_object(client, db):
    response = client.post(reverse("oauth:register"), data="[1]", content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_client_metadata")


def test_full_flow_code_pkce_refresh_introspect_revoke(client, world):
    learner = world.people["learner"]
    app = OAuthClient.register(client)
    client.force_login(learner)
    verifier, challenge = pkce_pair()
    page = client.get(app.authorize_url(challenge))
    html = page.content.decode()
    assert "Badge Shelf" in html and "See all the credentials in your wallet" in html
    code = app.consent(challenge)
    client.logout()  # the client's own calls carry no session
    tokens = app.exchange(code, verifier).json()
    assert tokens["token_type"] == "Bearer" and set(tokens["scope"].split()) == set(ALL_SCOPES)
    assert tokens["refresh_token"]

    introspected = client.post(
        reverse("oauth:introspect"),
        {"token": tokens["access_token"]},
        HTTP_AUTHORIZATION=app.basic(),
    ).json()
    assert introspected["active"] is True and CREDENTIAL_READ in introspected["scope"]

    refreshed = app.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]  # rotated
    replay = app.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")

    revoked = client.post(
        reverse("oauth:revoke"), {"token": new["access_token"]}, HTTP_AUTHORIZATION=app.basic()
    )
    assert revoked.status_code == 200
    after = client.post(
        reverse("oauth:introspect"),
        {"token": new["access_token"]},
        HTTP_AUTHORIZATION=app.basic(),
    ).json()
    assert after["active"] is False


def test_wrong_verifier_and_replayed_code_are_refused(client, world):
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    _verifier, challenge = pkce_pair()
    code = app.consent(challenge)
    wrong = app.exchange(code, pkce_pair()[0])
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    verifier2, challenge2 = pkce_pair()
    code2 = app.consent(challenge2)
    assert app.exchange(code2, verifier2).status_code == 200
    replayed = app.exchange(code2, verifier2)
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")
    missing = app.token(grant_type="authorization_code", code=code2, redirect_uri=REDIRECT_URI)
    assert missing.status_code == 400


def test_plain_pkce_and_missing_pkce_are_refused(client, world):
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    verifier, _challenge = pkce_pair()
    plain = client.get(app.authorize_url(verifier, method="plain"))
    assert plain.status_code == 302
    assert "error=invalid_request" in plain["Location"]  # before any consent is asked
    url = (
        app.authorize_url("x")
        .replace("code_challenge=x&", "")
        .replace("&code_challenge_method=S256", "")
    )
    missing = client.get(url)
    assert missing.status_code == 302 and "error=invalid_request" in missing["Location"]
    assert not AccessToken.objects.exists()


def test_unregistered_redirect_uri_is_refused_on_our_page(client, world):
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    _verifier, challenge = pkce_pair()
    page = client.get(app.authorize_url(challenge, redirect_uri="https://evil.example/cb"))
    assert page.status_code == 400  # never redirected to an unregistered address
    assert 'id="consent-error"' in page.content.decode()


def test_unregistered_scope_is_refused(client, world):
    app = OAuthClient.register(client, scope=CREDENTIAL_READ)
    client.force_login(world.people["learner"])
    _verifier, challenge = pkce_pair()
    response = client.get(app.authorize_url(challenge, scope=" ".join(ALL_SCOPES)))
    assert response.status_code == 302 and "error=invalid_scope" in response["Location"]


def test_denying_consent_sends_access_denied(client, world):
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    _verifier, challenge = pkce_pair()
    page = client.get(app.authorize_url(challenge))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "allow"}
    response = client.post(reverse("oauth:authorize"), data)
    assert response.status_code == 302 and "error=access_denied" in response["Location"]


def test_consent_needs_a_signed_in_person(client, db):
    app = OAuthClient.register(client)
    _verifier, challenge = pkce_pair()
    response = client.get(app.authorize_url(challenge))
    assert response.status_code == 302 and reverse("accounts:sign_in") in response["Location"]


def test_connected_apps_lists_and_withdraws(client, world):
    learner = world.people["learner"]
    app = OAuthClient.register(client)
    client.force_login(learner)
    tokens = app.tokens_for()
    page = client.get(reverse("oauth:connected_apps")).content.decode()
    assert "Badge Shelf" in page and "https://shelf.example/" in page
    application = Application.objects.get(client_id=app.client_id)
    # someone else cannot withdraw it (they have not allowed it): 404
    client.force_login(world.people["admin"])
    url = reverse("oauth:connected_app_revoke", kwargs={"application_id": application.pk})
    assert client.post(url).status_code == 404
    assert AccessToken.objects.filter(user=learner).count() == 1
    client.force_login(learner)
    assert client.post(url).status_code == 302
    assert not AccessToken.objects.filter(user=learner).exists()
    assert not RefreshToken.objects.filter(user=learner, revoked__isnull=True).exists()
    assert 'id="no-connected-apps"' in client.get(reverse("oauth:connected_apps")).content.decode()
    client.logout()
    refresh = app.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refresh.status_code == 400


def test_demo_shows_one_connected_app_and_loads_twice_alike(client, db):
    from microcred_web.orgs.demo import demo_load

    demo_load()
    demo_load()
    assert ClientRegistration.objects.count() == 1
    learner = User.objects.get(email="learner@northwind.example")
    client.force_login(learner)
    page = client.get(reverse("oauth:connected_apps")).content.decode()
    assert "Career Passport (demo)" in page


def test_a_replayed_refresh_token_revokes_the_whole_family(client, world):
    """Refresh tokens rotate; presenting a used one again (a sign it was stolen) also ends the
    token that replaced it (REFRESH_TOKEN_REUSE_PROTECTION)."""
    app = OAuthClient.register(client)
    client.force_login(world.people["learner"])
    tokens = app.tokens_for()
    client.logout()
    new = app.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert (
        app.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code
        == 400
    )
    after = app.token(grant_type="refresh_token", refresh_token=new["refresh_token"])
    assert (after.status_code, after.json()["error"]) == (400, "invalid_grant")


def test_server_metadata_names_our_endpoints_and_only_s256(client, db):
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["token_endpoint"].endswith(reverse("oauth:token"))
    assert metadata["registration_endpoint"].endswith(reverse("oauth:register"))
    # the OB 3.0 scopes, and the organisation API's (client-credentials grant)
    assert set(metadata["scopes_supported"]) == set(ALL_SCOPES) | set(ORG_SCOPE_WORDS)
    assert "client_credentials" in metadata["grant_types_supported"]
