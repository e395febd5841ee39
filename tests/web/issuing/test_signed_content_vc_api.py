"""POST /credentials/verify refuses what the signature does not cover (decision 0018), and the
VC-API body is read strictly: a key twice is a 400 naming its path, never merged."""

from __future__ import annotations

import json

from microcred.suites import verify_proof
from microcred_web.issuing import services
from microcred_web.issuing.services import RecipientInput
from microcred_web.issuing.signing import signing_key_for


def _issued(world, version) -> dict:
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="learner@acme.example", name="Lee Learner")],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )
    return json.loads(credential.signed_json)


def _post(client, text: str, secret: str):
    return client.post(
        "/credentials/verify",
        text,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_vc_api_verify_refuses_unsigned_content_and_duplicate_keys(client, world, version):
    _key, secret = services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="CI"
    )
    document = _issued(world, version)
    ok = _post(client, json.dumps({"verifiableCredential": document}), secret).json()
    assert ok["verified"] is True, ok
    _k, pair = signing_key_for(organisation=world.org)
    for edit in (
        lambda d: d["@context"].append({"@vocab": None}),
        lambda d: d.__setitem__("@reverse", {}),
        lambda d: d["type"].append(d["type"][-1]),
    ):
        edited = json.loads(json.dumps(document))
        edit(edited)
        assert verify_proof(edited, edited["proof"][0], pair.public).ok  # the trick is real
        result = _post(client, json.dumps({"verifiableCredential": edited}), secret).json()
        assert result["verified"] is False and result["verdict"] == "malformed", result
    text = json.dumps({"verifiableCredential": document})
    twice = text.replace('"issuer": {', '"issuer": {"name": "FAKE", ', 1)
    assert json.loads(twice) == json.loads(text)  # a last-wins reader sees the signed name
    response = _post(client, twice, secret)
    assert response.status_code == 400, response.content
    assert "$.verifiableCredential.issuer.name" in response.content.decode()
