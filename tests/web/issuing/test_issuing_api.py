from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from microcred.verify import verify_credential
from microcred_web.issuing import services
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import ApiKey, IssuerKey
from microcred_web.issuing.services import RecipientInput
from microcred_web.issuing.signing import (
    issuer_key_mark_compromised,
    issuer_key_rotate,
    signing_key_for,
)


@pytest.fixture
def api_key(world) -> str:
    _key, secret = services.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="CI"
    )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, secret=None):
    return client.post(
        url, json.dumps(body), content_type="application/json", **(bearer(secret) if secret else {})
    )


def test_api_issue_and_revoke(client, world, version, api_key):
    body = {
        "achievement_id": version.achievement_id,
        "recipients": [
            {"email": "x@acme.example", "source_key": "ext:1", "result": [{"value": "A"}]}
        ],
        "deliver": False,
    }
    response = post(client, "/api/v1/orgs/acme/credentials", body, api_key)
    assert response.status_code == 201, response.content
    [created] = response.json()
    assert created["verifiable_credential"]["credentialSubject"]["result"][0]["value"] == "A"
    again = post(client, "/api/v1/orgs/acme/credentials", body, api_key)
    assert again.status_code == 201 and again.json() == []
    revoked = post(
        client,
        f"/api/v1/orgs/acme/credentials/{created['id']}/revoke",
        {"reason": "error"},
        api_key,
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"


def test_api_key_is_required_and_scoped(client, world, version, api_key):
    body = {"achievement_id": version.achievement_id, "recipients": [{"email": "x@acme.example"}]}
    assert post(client, "/api/v1/orgs/acme/credentials", body).status_code == 401
    assert post(client, "/api/v1/orgs/acme/credentials", body, "mck_wrong").status_code == 401
    assert post(client, "/api/v1/orgs/globex/credentials", body, api_key).status_code == 404
    key = ApiKey.objects.get()
    services.api_key_revoke(api_key=key, actor=None)
    assert post(client, "/api/v1/orgs/acme/credentials", body, api_key).status_code == 401


def test_api_key_stored_hashed_and_command_prints_one(world):
    out = StringIO()
    call_command("apikey_create", "--org", "acme", "--name", "cli", stdout=out)
    secret = out.getvalue().strip()
    assert secret.startswith("mck_")
    stored = ApiKey.objects.get(name="cli")
    assert secret not in (stored.key_hash, stored.prefix)


def _vc_request(version):
    """An unsigned OpenBadgeCredential as a VC-API client sends it (issuer left to us)."""
    return {
        "credential": {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://w3id.org/microcred/contexts/eu-microcredential/v1",
            ],
            "id": "urn:uuid:0f0e8e5c-2b0c-4c43-9a52-6c1f3c1b7a01",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": version.achievement_json["name"],
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                "achievement": version.achievement_json,
            },
        },
        "options": {},
    }


def test_vc_api_issue_then_verify(client, world, version, api_key):
    request = _vc_request(version)
    response = post(client, "/credentials/issue", request, api_key)
    assert response.status_code == 201, response.content
    vc = response.json()["verifiableCredential"]
    assert vc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["issuer"]["id"] == issuer_did(world.org) and vc["issuer"]["type"] == ["Profile"]
    assert {k: v for k, v in vc.items() if k not in ("proof", "issuer")} == request["credential"]
    verified = post(client, "/credentials/verify", {"verifiableCredential": vc}, api_key)
    assert verified.status_code == 200
    result = verified.json()
    assert result["verified"] is True, result
    assert {"proof", "profile"} <= set(result["checks"]) and result["errors"] == []
    vc["credentialSubject"]["id"] = "did:example:someone-else"
    tampered = post(client, "/credentials/verify", {"verifiableCredential": vc}, api_key)
    assert tampered.status_code == 422
    assert tampered.json()["verified"] is False and tampered.json()["verdict"] == "tampered"


def test_vc_api_errors(client, world, version, api_key):
    assert post(client, "/credentials/issue", _vc_request(version)).status_code == 401
    assert post(client, "/credentials/issue", {"nope": 1}, api_key).status_code == 400
    # an Open Badges type without the Open Badges context is refused, not repaired
    bad = _vc_request(version)
    bad["credential"]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    response = post(client, "/credentials/issue", bad, api_key)
    assert response.status_code == 422 and response.json()["errors"]
    assert response.json()["error"]["field"].startswith("credential.")
    # another organisation's key cannot issue as this organisation
    _other, other_secret = services.api_key_create(
        organisation=world.other, actor=None, name="other"
    )
    foreign = _vc_request(version)
    foreign["credential"]["issuer"] = issuer_did(world.org)
    response = post(client, "/credentials/issue", foreign, other_secret)
    assert response.status_code == 422 and response.json()["error"]["field"] == "credential.issuer"


def test_vc_api_verify_reports_suspension(client, world, version, api_key):
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="s@acme.example")],
        actor=None,
        source="t",
        deliver=False,
    )
    services.credential_suspend(credential=credential, actor=None, reason="Investigation")
    result = post(
        client, "/credentials/verify", {"verifiableCredential": credential.document}, api_key
    ).json()
    assert result["verified"] is False and result["verdict"] == "suspended", result


def test_secret_key_never_in_clear(client, world, version, api_key):
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="k@acme.example")],
        actor=None,
        source="t",
        deliver=False,
    )
    _key, pair = signing_key_for(organisation=world.org)
    secrets_forms = [pair.secret_multibase(), pair.secret.hex(), pair.to_jwk()["d"]]
    dump = StringIO()
    call_command("dumpdata", "issuing", "achievements", "common", stdout=dump)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_ciphertext FROM issuing_issuerkey")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    pages = b"".join(
        client.get(url).content
        for url in (
            "/o/acme/did.json",
            "/o/acme/issuer",
            f"/credentials/{credential.public_id}.json",
            f"/credentials/{credential.public_id}.jwt",
            "/o/acme/status/message/1",
        )
    )
    for form in secrets_forms:
        assert form not in dump.getvalue()
        assert form.encode() not in pages
    assert pair.secret not in raw


def test_rotation_keeps_old_credentials_valid_and_compromise_cuts_off(world, version, resolver_for):
    def issue_one(email):
        return services.credentials_issue(
            organisation=world.org,
            achievement_version=version,
            recipients=[RecipientInput(email=email)],
            actor=None,
            source="t",
            deliver=False,
        )[0]

    old = issue_one("old@acme.example")
    issuer_key_rotate(organisation=world.org, actor=world.people["admin"])
    new = issue_one("new@acme.example")
    assert (
        old.document["proof"][0]["verificationMethod"]
        != new.document["proof"][0]["verificationMethod"]
    )
    from microcred_web.issuing.verification import credential_verify

    now = timezone.now()
    assert credential_verify(old.document, now=now).verdict == "valid"
    assert credential_verify(new.document, now=now).verdict == "valid"
    report = verify_credential(old.document, now=now, resolver=resolver_for(old.document))
    assert report.ok, report.to_json()
    first_key = (
        IssuerKey.objects.filter(organisation=world.org).order_by("created_at", "id").first()
    )
    issuer_key_mark_compromised(
        key=first_key,
        actor=world.people["admin"],
        compromised_after=old.issued_at.replace(year=2000),
    )
    later = timezone.now()  # the status lists are re-signed by the new key from now on
    assert credential_verify(old.document, now=later).verdict != "valid"
    assert credential_verify(new.document, now=later).verdict == "valid"


def test_downloads_of_a_revoked_credential_are_gone(client, world, version):
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="r@acme.example", name="Rae")],
        actor=None,
        source="t",
        deliver=False,
    )
    assert client.get(f"/credentials/{credential.public_id}.json").status_code == 404  # private
    credential.is_public = True  # the holder's choice, made in their wallet
    credential.save(update_fields=["is_public"])
    assert client.get(f"/credentials/{credential.public_id}.json").status_code == 200
    jwt = client.get(f"/credentials/{credential.public_id}.jwt").content.decode()
    assert verify_credential(jwt, now=timezone.now()).check("proof") is not None
    services.credential_revoke(credential=credential, actor=None, reason="Withdrawn")
    gone = client.get(f"/credentials/{credential.public_id}.json")
    assert gone.status_code == 410 and gone.json()["status"] == "revoked"
    assert gone.json()["reason"] == "Withdrawn"
    assert client.get(f"/credentials/{credential.public_id}.jwt").status_code == 410
    page = client.get(f"/credentials/{credential.public_id}")
    assert b"Revoked" in page.content and b"Withdrawn" in page.content


def test_status_list_is_cached_with_etag(client, world, version):
    services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="e@acme.example")],
        actor=None,
        source="t",
        deliver=False,
    )
    response = client.get("/o/acme/status/message/1")
    assert response["Cache-Control"] == "max-age=60, must-revalidate"
    assert (
        client.get("/o/acme/status/message/1", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )
