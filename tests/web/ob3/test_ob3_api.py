"""The OB 3.0 REST API as a resource server: discovery, getCredentials (paging, since, links),
upsertCredential (verified before it is kept), getProfile/putProfile, Imsx_StatusInfo errors,
401/403 per scope, and no client ever seeing another person's credentials. Bodies are checked
against the schemas in tests/vectors/ob3-api."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauth_client import OAuthClient

from microcred.suites import vc_jwt
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.signing import signing_key_for
from microcred_web.oauth.scopes import CREDENTIAL_READ, PROFILE_READ
from microcred_web.wallet.models import ImportedCredential

SCHEMAS = Path(__file__).resolve().parents[2] / "vectors" / "ob3-api"
SHAPES = json.loads((SCHEMAS / "api-shapes.json").read_text())
IMSX = json.loads((SCHEMAS / "imsx_statusinfo.json").read_text())
ACHIEVEMENT = json.loads((SCHEMAS / "ob_v3p0_achievementcredential_schema.json").read_text())
CREDENTIALS_URL = "/ims/ob/v3p0/credentials"
PROFILE_URL = "/ims/ob/v3p0/profile"


def shape(name: str, document: object) -> None:
    schema = {**SHAPES, "$ref": f"#/$defs/{name}"}
    jsonschema.Draft201909Validator(schema).validate(document)


def imsx(response, status: int, minor: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    jsonschema.Draft201909Validator(IMSX).validate(body)
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == minor
    return body


def bearer_for(client, user, **registration) -> str:
    app = OAuthClient.register(client, **registration)
    client.force_login(user)
    tokens = app.tokens_for()
    client.logout()
    return f"Bearer {tokens['access_token']}"


def test_discovery_is_a_service_description_document(client, db):
    response = client.get("/ims/ob/v3p0/discovery")
    assert response.status_code == 200
    document = response.json()
    shape("ServiceDescriptionDocument", document)
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    flow = scheme["flows"]["authorizationCode"]
    assert flow["tokenUrl"].endswith(reverse("oauth:token"))
    assert flow["authorizationUrl"].endswith(reverse("oauth:authorize"))
    assert scheme["x-imssf-registrationUrl"].endswith(reverse("oauth:register"))
    assert CREDENTIAL_READ in flow["scopes"] and len(flow["scopes"]) == 4


def test_get_credentials_returns_only_the_token_owners(client, world, publish, award):
    learner, stranger = world.people["learner"], world.others["learner"]
    mine = award(publish(world.org), learner.email, learner)
    theirs = award(publish(world.other, "Crane safety"), stranger.email, stranger)
    response = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=bearer_for(client, learner))
    assert response.status_code == 200
    body = response.json()
    shape("GetOpenBadgeCredentialsResponse", body)
    assert response["X-Total-Count"] == "1"
    (credential,) = body["credential"]
    jsonschema.Draft201909Validator(ACHIEVEMENT).validate(credential)
    assert credential == json.loads(mine.signed_json)
    assert str(theirs.public_id) not in response.content.decode()
    other = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=bearer_for(client, stranger))
    assert other.json()["credential"] == [json.loads(theirs.signed_json)]


def test_paging_since_and_link_headers(client, world, publish, award):
    learner = world.people["learner"]
    version = publish(world.org)
    credentials = [award(version, learner.email, learner) for _ in range(3)]
    auth = bearer_for(client, learner)
    first = client.get(CREDENTIALS_URL + "?limit=2", HTTP_AUTHORIZATION=auth)
    assert first["X-Total-Count"] == "3" and len(first.json()["credential"]) == 2
    links = first["Link"]
    assert 'offset=2>; rel="next"' in links and 'offset=2>; rel="last"' in links
    assert 'offset=0>; rel="first"' in links and 'rel="prev"' not in links
    second = client.get(CREDENTIALS_URL + "?limit=2&offset=2", HTTP_AUTHORIZATION=auth)
    assert len(second.json()["credential"]) == 1 and 'offset=0>; rel="prev"' in second["Link"]
    seen = first.json()["credential"] + second.json()["credential"]
    assert sorted(c["id"] for c in seen) == sorted(
        json.loads(c.signed_json)["id"] for c in credentials
    )
    since = (credentials[0].issued_at + timedelta(microseconds=1)).isoformat()
    later = client.get(CREDENTIALS_URL, {"since": since}, HTTP_AUTHORIZATION=auth)
    assert later["X-Total-Count"] == str(
        sum(1 for c in credentials if c.issued_at > credentials[0].issued_at)
    )
    assert "since=" in later["Link"]


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "offset=-1", "since=yesterday"])
def test_bad_query_parameters(client, world, query):
    auth = bearer_for(client, world.people["learner"])
    response = client.get(f"{CREDENTIALS_URL}?{query}", HTTP_AUTHORIZATION=auth)
    imsx(response, 400, "invalid_query_parameter")


def test_missing_invalid_and_revoked_tokens_get_401(client, world):
    missing = client.get(CREDENTIALS_URL)
    imsx(missing, 401, "unauthorizedrequest")
    assert missing["WWW-Authenticate"].startswith("Bearer")
    for bad in ("Bearer not-a-token", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer "):
        response = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=bad)
        imsx(response, 401, "unauthorizedrequest")
    auth = bearer_for(client, world.people["learner"])
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    invalid = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth + "x")
    assert 'error="invalid_token"' in invalid["WWW-Authenticate"]
    query = client.get(CREDENTIALS_URL + "?access_token=" + auth.split()[1])
    assert query.status_code == 401  # tokens travel only in the Authorization header


def test_insufficient_scope_gets_403(client, world):
    auth = bearer_for(client, world.people["learner"], scope=PROFILE_READ)
    response = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth)
    imsx(response, 403, "forbidden")
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert client.get(PROFILE_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    put = client.put(
        PROFILE_URL,
        json.dumps({"type": ["Profile"], "name": "X"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    imsx(put, 403, "forbidden")
    post = client.post(
        CREDENTIALS_URL, "{}", content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    imsx(post, 403, "forbidden")


def test_upsert_stores_a_genuine_credential_then_replaces_it(client, world, publish, award):
    learner = world.people["learner"]
    pushed = award(publish(world.org, "First aid"), "someone@elsewhere.example")
    auth = bearer_for(client, learner)
    created = client.post(
        CREDENTIALS_URL,
        pushed.signed_json,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201 and created.json() == json.loads(pushed.signed_json)
    (imported,) = ImportedCredential.objects.filter(owner=learner)
    assert imported.label == "valid" and imported.name == "First aid"
    again = client.post(
        CREDENTIALS_URL,
        pushed.signed_json,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert again.status_code == 200
    assert ImportedCredential.objects.filter(owner=learner).count() == 1
    assert AuditEvent.objects.filter(action="wallet.credential_replaced").count() == 1
    listed = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).json()
    assert json.loads(pushed.signed_json) in listed["credential"]
    # the stranger's wallet is untouched, and their token does not see it
    stranger = world.others["learner"]
    theirs = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=bearer_for(client, stranger))
    assert theirs.json() == {} and theirs["X-Total-Count"] == "0"


def test_upsert_refuses_a_tampered_credential_and_keeps_nothing(client, world, publish, award):
    learner = world.people["learner"]
    pushed = award(publish(world.org, "First aid"), "someone@elsewhere.example")
    document = json.loads(pushed.signed_json)
    document["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    auth = bearer_for(client, learner)
    response = client.post(
        CREDENTIALS_URL,
        json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    body = imsx(response, 400, "invalid_data")
    assert "did not verify" in body["imsx_description"]
    assert not ImportedCredential.objects.filter(owner=learner).exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("not a jws", "text/plain", 400),
        ("a.b.c", "text/plain", 400),  # JWS-shaped, but no credential in it
        ("<xml/>", "application/xml", 415),
    ],
)
def test_upsert_bad_bodies(client, world, body, content_type, status):
    learner = world.people["learner"]
    auth = bearer_for(client, learner)
    response = client.post(
        CREDENTIALS_URL, body, content_type=content_type, HTTP_AUTHORIZATION=auth
    )
    imsx(response, status, "invalid_data")
    assert not ImportedCredential.objects.exists()


def test_upsert_compact_jws(client, world, publish, award):
    learner = world.people["learner"]
    pushed = award(publish(world.org, "First aid"), "someone@elsewhere.example")
    unsecured = {k: v for k, v in json.loads(pushed.signed_json).items() if k != "proof"}
    _key, pair = signing_key_for(organisation=world.org)
    token = vc_jwt.sign(unsecured, pair)  # as issuing:credential_jwt serves it
    auth = bearer_for(client, learner)
    response = client.post(
        CREDENTIALS_URL, token, content_type="text/plain", HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 201 and response.content.decode() == token
    listed = client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).json()
    shape("GetOpenBadgeCredentialsResponse", listed)
    assert listed["compactJwsString"] == [token]


def test_profile_read_and_update(client, world):
    learner = world.people["learner"]
    auth = bearer_for(client, learner)
    profile = client.get(PROFILE_URL, HTTP_AUTHORIZATION=auth).json()
    shape("Profile", profile)
    assert profile["email"] == learner.email and profile["id"].startswith("urn:uuid:")
    updated = client.put(
        PROFILE_URL,
        json.dumps({**profile, "name": "Lea Martin"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert updated.status_code == 200 and updated.json()["name"] == "Lea Martin"
    learner.refresh_from_db()
    assert learner.display_name == "Lea Martin"
    other_email = client.put(
        PROFILE_URL,
        json.dumps({**profile, "email": "someone@else.example"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    imsx(other_email, 400, "invalid_data")
    empty = client.put(
        PROFILE_URL,
        json.dumps({**profile, "name": " "}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    imsx(empty, 400, "invalid_data")
    learner.refresh_from_db()
    assert learner.display_name == "Lea Martin"


def test_methods_not_offered_get_405_status_info(client, db):
    response = client.delete(CREDENTIALS_URL)
    imsx(response, 405, "not_allowed")
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
    imsx(client.post("/ims/ob/v3p0/discovery"), 405, "not_allowed")


def test_expired_code_and_expired_token_are_refused(client, world):
    from oauth2_provider.models import AccessToken, Grant
    from oauth_client import pkce_pair

    learner = world.people["learner"]
    app = OAuthClient.register(client)
    client.force_login(learner)
    verifier, challenge = pkce_pair()
    code = app.consent(challenge)
    Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))
    late = app.exchange(code, verifier)
    assert (late.status_code, late.json()["error"]) == (400, "invalid_grant")
    tokens = app.tokens_for()
    client.logout()
    auth = f"Bearer {tokens['access_token']}"
    assert client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth).status_code == 200
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    imsx(client.get(CREDENTIALS_URL, HTTP_AUTHORIZATION=auth), 401, "unauthorizedrequest")


def test_each_token_sees_only_its_owners_profile(client, world):
    mine, theirs = world.people["learner"], world.others["learner"]
    for person in (mine, theirs):
        profile = client.get(PROFILE_URL, HTTP_AUTHORIZATION=bearer_for(client, person)).json()
        assert profile["email"] == person.email
    a = client.get(PROFILE_URL, HTTP_AUTHORIZATION=bearer_for(client, mine)).json()["id"]
    b = client.get(PROFILE_URL, HTTP_AUTHORIZATION=bearer_for(client, theirs)).json()["id"]
    assert a != b


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    content_type=st.sampled_from(["application/json", "text/plain"]),
)
def test_junk_bodies_never_cost_a_500(client, world, body, content_type):
    """Hypothesis reuses the fixtures across examples: one token serves them all."""
    if not hasattr(world, "fuzz_auth"):
        world.fuzz_auth = bearer_for(client, world.people["learner"])
    auth = world.fuzz_auth
    upsert = client.post(CREDENTIALS_URL, body, content_type=content_type, HTTP_AUTHORIZATION=auth)
    assert upsert.status_code in (400, 415)  # never 401: the token stays valid
    put = client.put(PROFILE_URL, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert 400 <= put.status_code < 500
    assert not ImportedCredential.objects.exists()
