"""Forged issuers at every entry point of the server (docs/decisions/0017).

Each forgery is signed for real with an attacker's Ed25519 key, named so that an unwary
verifier would take it for the issuer's: the key in the issuer's URL fragment, another
did:key, a JWT ``jwk`` header or a JWT ``kid``. The issuer is one of our organisations, a
did:web or an https URL nobody serves (or that serves its real document), or a did:key. Every
entry point must say unknown-issuer; genuine credentials of each method still verify.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from key_forgery import (
    CREATED,
    did_key_forgery,
    did_key_fragment_forgery,
    fragment_forgery,
    jwt_jwk_forgery,
    jwt_kid_forgery,
    remote_documents,
    unsigned_credential,
)
from microcred.did import controller_document
from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022, vc_jwt
from microcred_web.issuing import services as issuing
from microcred_web.issuing.identity import issuer_did
from microcred_web.verifier import inputs
from microcred_web.wallet import services as wallet

FOREIGN_DID = "did:web:issuer.example.org"
FOREIGN_HTTPS = "https://issuer.example.org/profile"
FORGERIES: dict[str, Callable[[str], Any]] = {
    "fragment": fragment_forgery,
    "jwt-jwk": jwt_jwk_forgery,
    "jwt-kid": jwt_kid_forgery,
}


class Web:
    """What the foreign web serves to every guarded fetch of the server."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.serve({})

    def serve(self, documents: dict[str, Any]) -> None:
        fetch = remote_documents(documents)
        self._monkeypatch.setattr(inputs, "fetcher", fetch)  # the public verifier
        self._monkeypatch.setattr("microcred_web.common.safe_fetch.safe_fetch", fetch)


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Web:
    return Web(monkeypatch)


@pytest.fixture
def api_key(world) -> str:
    _key, secret = issuing.api_key_create(
        organisation=world.org, actor=world.people["admin"], name="CI"
    )
    return secret


def _text(data: Any) -> str:
    return data if isinstance(data, str) else json.dumps(data)


def vc_api(client, api_key: str, data: Any) -> str:
    response = client.post(
        "/credentials/verify",
        json.dumps({"verifiableCredential": data}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    body = response.json()
    assert body["verified"] is (body["verdict"] == "valid")
    # 200 verified; 422 a well-formed credential that does not verify (decision 0021)
    assert response.status_code == (200 if body["verified"] else 422), response.content
    return str(body["verdict"])


def verify_api(client, data: Any) -> str:
    body = json.dumps({"jwt": data}) if isinstance(data, str) else json.dumps(data)
    response = client.post("/verify/api", data=body, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["verdict"])


def verify_page(client, data: Any) -> str:
    response = client.post(reverse("verifier:page"), {"credential": _text(data)})
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'data-verdict="([-a-z]+)"', html)
    assert match is not None, html[:2000]
    if match[1] != "valid":
        assert "Verdict: Valid" not in html
    return match[1]


def wallet_import(client, world, data: Any) -> str:
    """Through the import page, as a learner does; the flash message must not say Verified."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.people["learner"])
    upload = SimpleUploadedFile("credential.json", _text(data).encode(), "application/json")
    response = client.post(reverse("wallet:import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    label = re.search(r'class="label-([a-z_]+)" id="import-label"', html)
    assert label is not None, html[:2000]
    if label[1] != "valid":
        assert "Verified." not in html and ">Verified<" not in html
    client.logout()
    return {"unknown_issuer": "unknown-issuer"}.get(label[1], label[1])


def everywhere(client, world, api_key: str, data: Any) -> dict[str, str]:
    """The verdict of every server entry point for ``data``."""
    verdicts = {
        "vc-api": vc_api(client, api_key, data),
        "verify-api": verify_api(client, data),
        "verify-page": verify_page(client, data),
        "wallet-import": wallet_import(client, world, data),
    }
    service = wallet.credential_import(user=world.people["learner"], data=_text(data).encode())
    verdicts["wallet-service"] = {"unknown_issuer": "unknown-issuer"}.get(
        service.label, service.label
    )
    return verdicts


def _all(verdict: str, verdicts: dict[str, str]) -> bool:
    return set(verdicts.values()) == {verdict}


# ----------------------------------------------------------------------------- forgeries


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_credentials_of_our_own_organisation(client, world, issued, api_key, web, forgery):
    """Our org has a DID document (its real keys); the attacker's key is not in it."""
    forged = FORGERIES[forgery](issuer_did(world.org))
    verdicts = everywhere(client, world, api_key, forged)
    assert _all("unknown-issuer", verdicts), verdicts


def test_forged_credential_of_an_organisation_without_keys(client, world, api_key, web):
    forged = fragment_forgery(issuer_did(world.other))
    verdicts = everywhere(client, world, api_key, forged)
    assert _all("unknown-issuer", verdicts), verdicts


@pytest.mark.parametrize("issuer", [FOREIGN_DID, FOREIGN_HTTPS])
@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("served", ["nothing", "real document"])
def test_forged_credentials_of_foreign_issuers(
    client, world, api_key, web, issuer, forgery, served
):
    if served == "real document":
        real = KeyPair.generate_ed25519(controller=issuer)
        web.serve({issuer: controller_document(issuer, [(real.id, real.public)])})
    verdicts = everywhere(client, world, api_key, FORGERIES[forgery](issuer))
    assert _all("unknown-issuer", verdicts), verdicts


@pytest.mark.parametrize("forgery", [did_key_forgery, did_key_fragment_forgery])
def test_another_did_key_cannot_sign_for_a_did_key_issuer(client, world, api_key, web, forgery):
    issuer = KeyPair.generate_ed25519().controller
    verdicts = everywhere(client, world, api_key, forgery(issuer))
    assert _all("unknown-issuer", verdicts), verdicts


# ----------------------------------------------------------------------------- genuine


def test_our_genuine_credential_verifies_everywhere(client, world, issued, api_key, web):
    verdicts = everywhere(client, world, api_key, json.loads(issued.signed_json))
    assert _all("valid", verdicts), verdicts


@pytest.mark.parametrize("issuer", [FOREIGN_DID, FOREIGN_HTTPS])
@pytest.mark.parametrize("shape", ["data-integrity", "jwt"])
def test_genuine_foreign_credentials_verify_with_their_published_document(
    client, world, api_key, web, issuer, shape
):
    key = KeyPair.generate_ed25519(controller=issuer)
    unsigned = unsigned_credential(issuer)
    if shape == "jwt":
        data: Any = vc_jwt.sign(unsigned, key)
    else:
        data = eddsa_rdfc_2022.sign(unsigned, key, created=CREATED)
    web.serve({issuer: controller_document(issuer, [(key.id, key.public)])})
    verdicts = everywhere(client, world, api_key, data)
    assert _all("valid", verdicts), verdicts
    web.serve({})
    verifier_cache_clear()
    verdicts = everywhere(client, world, api_key, data)
    assert _all("unknown-issuer", verdicts), verdicts


def test_genuine_did_key_credential_verifies_everywhere(client, world, api_key, web):
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(unsigned_credential(key.controller), key, created=CREATED)
    verdicts = everywhere(client, world, api_key, signed)
    assert _all("valid", verdicts), verdicts


def verifier_cache_clear() -> None:
    from microcred_web.verifier import verification

    verification.caches_clear()


def test_a_compromised_key_of_ours_is_cut_off_for_jwts_as_for_proofs(client, world, issued):
    """The key is in our DID document (bound), but our cut-off still refuses what it signs
    after the compromise, whatever the form."""
    from datetime import timedelta

    from django.utils import timezone

    from microcred_web.issuing.signing import issuer_key_mark_compromised, signing_key_for

    key, pair = signing_key_for(organisation=world.org)
    unsecured = {k: v for k, v in json.loads(issued.signed_json).items() if k != "proof"}
    late = dict(
        unsecured, validFrom=(timezone.now() + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    token = vc_jwt.sign(unsecured, pair)
    late_token = vc_jwt.sign(late, pair)
    late_proof = eddsa_rdfc_2022.sign(
        unsecured, pair, created=timezone.now() + timedelta(seconds=1)
    )
    assert verify_api(client, token) == "valid"
    issuer_key_mark_compromised(
        key=key, actor=world.people["admin"], compromised_after=timezone.now()
    )
    verifier_cache_clear()
    assert verify_api(client, token) == "valid"  # signed (by its own account) before
    assert verify_api(client, late_token) == "unknown-issuer"
    assert verify_api(client, late_proof) == "unknown-issuer"


def test_our_did_document_lists_every_key_ever_used_under_assertion_method(world, issued):
    """Retired and compromised keys stay listed: what they signed before keeps binding."""
    from django.utils import timezone

    from microcred_web.issuing.identity import did_document
    from microcred_web.issuing.models import IssuerKey
    from microcred_web.issuing.signing import issuer_key_mark_compromised, issuer_key_rotate

    first = IssuerKey.objects.get(organisation=world.org)
    issuer_key_rotate(organisation=world.org, actor=world.people["admin"])
    issuer_key_mark_compromised(
        key=first, actor=world.people["admin"], compromised_after=timezone.now()
    )
    document = did_document(world.org)
    assert document is not None
    did = issuer_did(world.org)
    listed = set(document["assertionMethod"])
    keys = list(IssuerKey.objects.filter(organisation=world.org))
    assert len(keys) >= 2
    assert {f"{did}#{key.key_id}" for key in keys} <= listed
    assert issued.document["proof"][0]["verificationMethod"] in listed
