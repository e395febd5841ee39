"""Key binding with no shortcut (docs/decisions/0017): forgeries are unknown-issuer, the
genuine credentials of every method still verify."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from key_forgery import (
    CREATED,
    did_key_forgery,
    did_key_fragment_forgery,
    fragment_forgery,
    jwt_jwk_forgery,
    jwt_kid_forgery,
    unsigned_credential,
)
from microcred.did import MapResolver, controller_document, did_web_document
from microcred.keys import KeyPair
from microcred.status import BitstringStatusList, status_list_credential
from microcred.suites import eddsa_rdfc_2022, vc_jwt
from microcred.verify import verify_credential

NOW = datetime(2025, 6, 1, tzinfo=UTC)
ORG = "did:web:microcred.example:o:acme"  # shaped like one of our organisations
HTTPS = "https://issuer.example/profile"
CONTROLLERS = [ORG, "did:web:nowhere.example", HTTPS]


def _genuine_key(controller: str) -> KeyPair:
    return KeyPair.generate_ed25519(controller=controller)


def _docs(*keys: KeyPair) -> dict[str, Any]:
    by_controller: dict[str, list[KeyPair]] = {}
    for key in keys:
        by_controller.setdefault(key.controller, []).append(key)
    return {
        c: controller_document(c, [(k.id, k.public) for k in ks]) for c, ks in by_controller.items()
    }


def _verdict(data: Any, documents: dict[str, Any] | None) -> str:
    resolver = MapResolver(documents) if documents is not None else None
    return verify_credential(data, now=NOW, resolver=resolver).verdict


@pytest.mark.parametrize("issuer", CONTROLLERS)
def test_attacker_key_in_the_fragment_is_unknown_issuer(issuer: str) -> None:
    forged = fragment_forgery(issuer)
    real = _docs(_genuine_key(issuer))
    for documents in (None, {}, real):
        report = verify_credential(
            forged, now=NOW, resolver=MapResolver(documents) if documents is not None else None
        )
        assert report.verdict == "unknown-issuer", report.to_json()
        assert not report.ok
        proof = report.check("proof")
        assert proof is not None and proof.code == "unknown-issuer"


@pytest.mark.parametrize("issuer", CONTROLLERS)
def test_genuine_credential_of_each_controller_document_verifies(issuer: str) -> None:
    key = _genuine_key(issuer)
    signed = eddsa_rdfc_2022.sign(unsigned_credential(issuer), key, created=CREATED)
    report = verify_credential(signed, now=NOW, resolver=MapResolver(_docs(key)))
    assert report.ok, report.to_json()
    assert _verdict(signed, None) == "unknown-issuer"
    assert _verdict(signed, {}) == "unknown-issuer"


def test_genuine_did_key_credential_verifies_offline() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(unsigned_credential(key.controller), key, created=CREATED)
    assert _verdict(signed, None) == "valid"


def test_another_did_key_cannot_sign_for_a_did_key_issuer() -> None:
    issuer = KeyPair.generate_ed25519().controller
    assert _verdict(did_key_forgery(issuer), None) == "unknown-issuer"
    assert _verdict(did_key_fragment_forgery(issuer), None) == "unknown-issuer"


def test_a_did_key_cannot_sign_for_a_urn_issuer() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(
        unsigned_credential("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"), key, created=CREATED
    )
    report = verify_credential(signed, now=NOW)
    assert report.verdict == "unknown-issuer"
    issuer = report.check("issuer")
    assert issuer is not None and "cannot be dereferenced" in issuer.reason


def test_the_controller_document_must_list_the_key_under_assertion_method() -> None:
    key = _genuine_key(ORG)
    signed = eddsa_rdfc_2022.sign(unsigned_credential(ORG), key, created=CREATED)
    document = did_web_document(ORG, [key.public])
    assert _verdict(signed, {ORG: document}) == "valid"
    only_authentication = dict(document, assertionMethod=[])
    assert _verdict(signed, {ORG: only_authentication}) == "unknown-issuer"
    embedded = dict(document, verificationMethod=[], assertionMethod=document["verificationMethod"])
    assert _verdict(signed, {ORG: embedded}) == "valid"
    wrong_id = dict(document, id="did:web:microcred.example:o:other")
    assert _verdict(signed, {ORG: wrong_id}) == "unknown-issuer"


def test_a_controller_document_cannot_sign_for_another_issuer() -> None:
    """The key is genuinely someone's, but not the issuer's."""
    someone = _genuine_key("did:web:someone.example")
    credential = unsigned_credential(ORG)
    signed = eddsa_rdfc_2022.sign(credential, someone, created=CREATED)
    documents = _docs(someone, _genuine_key(ORG))
    assert _verdict(signed, documents) == "unknown-issuer"


@pytest.mark.parametrize("issuer", CONTROLLERS)
def test_jwt_with_an_embedded_attacker_jwk_is_unknown_issuer(issuer: str) -> None:
    forged = jwt_jwk_forgery(issuer)
    for documents in (None, {}, _docs(_genuine_key(issuer))):
        assert _verdict(forged, documents) == "unknown-issuer"


@pytest.mark.parametrize("issuer", CONTROLLERS)
def test_jwt_with_an_attacker_kid_is_unknown_issuer(issuer: str) -> None:
    forged = jwt_kid_forgery(issuer)
    for documents in (None, {}, _docs(_genuine_key(issuer))):
        assert _verdict(forged, documents) == "unknown-issuer"


def test_jwt_with_an_attacker_jwk_for_a_did_key_issuer() -> None:
    issuer = KeyPair.generate_ed25519().controller
    assert _verdict(jwt_jwk_forgery(issuer), None) == "unknown-issuer"


@pytest.mark.parametrize("issuer", CONTROLLERS)
def test_genuine_jwts_verify_by_kid_and_by_listed_jwk(issuer: str) -> None:
    key = _genuine_key(issuer)
    documents = _docs(key)
    by_kid = vc_jwt.sign(unsigned_credential(issuer), key)
    assert _verdict(by_kid, documents) == "valid"
    by_jwk = jwt_jwk_forgery(issuer, attacker=key)  # the issuer's own key, as a jwk
    assert _verdict(by_jwk, documents) == "valid"
    assert _verdict(by_jwk, None) == "unknown-issuer"


def _resign(token: str, key: KeyPair, **claims: Any) -> str:
    """``token`` with ``claims`` changed in its payload, signed again by ``key``."""
    head, body, _ = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(claims)
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    signature = key.sign(f"{head}.{encoded}".encode("ascii"))
    return f"{head}.{encoded}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_jwt_iss_must_be_the_issuer() -> None:
    key = _genuine_key(HTTPS)
    token = vc_jwt.sign(unsigned_credential(HTTPS), key, shape="vc-jwt-1.1")
    report = verify_credential(token, now=NOW, resolver=MapResolver(_docs(key)))
    issuer = report.check("issuer")
    assert issuer is not None and issuer.status == "pass", report.to_json()
    lying = _resign(token, key, iss="https://other.example/profile")
    report = verify_credential(lying, now=NOW, resolver=MapResolver(_docs(key)))
    issuer = report.check("issuer")
    assert issuer is not None and issuer.status == "fail" and "iss" in issuer.reason
    assert report.verdict == "unknown-issuer"


# ----------------------------------------------------------------------------- status lists

LIST_URL = "https://issuer.example/status/1"


def _with_status(issuer: str) -> dict[str, Any]:
    credential = unsigned_credential(issuer)
    credential["@context"] = [*credential["@context"]]
    credential["credentialStatus"] = {
        "id": f"{LIST_URL}#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": LIST_URL,
    }
    return credential


def _status_list(issuer: str, signer: KeyPair, method: str | None = None) -> dict[str, Any]:
    bits = BitstringStatusList()
    bits.set(7)
    unsigned = status_list_credential(
        id=LIST_URL,
        issuer=issuer,
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from="2024-01-01T00:00:00Z",
    )
    return eddsa_rdfc_2022.sign(unsigned, signer, created=CREATED, verification_method=method)


def test_status_list_signed_by_another_key_of_the_issuer_counts() -> None:
    key, list_key = _genuine_key(HTTPS), _genuine_key(HTTPS)
    signed = eddsa_rdfc_2022.sign(_with_status(HTTPS), key, created=CREATED)
    documents = {**_docs(key, list_key), LIST_URL: _status_list(HTTPS, list_key)}
    assert _verdict(signed, documents) == "revoked"


def test_a_forged_status_list_is_not_trusted() -> None:
    """An attacker's list (their key in the issuer's fragment) cannot reinstate a credential."""
    key, attacker = _genuine_key(HTTPS), KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(_with_status(HTTPS), key, created=CREATED)
    bits = BitstringStatusList()
    forged_list = status_list_credential(
        id=LIST_URL,
        issuer=HTTPS,
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from="2024-01-01T00:00:00Z",
    )
    method = f"{HTTPS}#{attacker.public.to_multibase()}"
    forged_list = eddsa_rdfc_2022.sign(
        forged_list, attacker, created=CREATED, verification_method=method
    )
    report = verify_credential(
        signed, now=NOW, resolver=MapResolver({**_docs(key), LIST_URL: forged_list})
    )
    assert not report.ok
    status = report.check("status")
    assert status is not None and status.status == "fail" and "does not verify" in status.reason


def test_a_status_list_of_another_issuer_is_not_trusted() -> None:
    key, other = _genuine_key(HTTPS), _genuine_key("https://other.example/profile")
    signed = eddsa_rdfc_2022.sign(_with_status(HTTPS), key, created=CREATED)
    documents = {**_docs(key, other), LIST_URL: _status_list(other.controller, other)}
    report = verify_credential(signed, now=NOW, resolver=MapResolver(documents))
    status = report.check("status")
    assert status is not None and status.status == "fail" and "not the issuer" in status.reason


def test_key_cut_offs_apply_to_jwts_too() -> None:
    key = _genuine_key(HTTPS)
    documents = MapResolver(_docs(key))
    credential = unsigned_credential(HTTPS)
    credential["validFrom"] = "2024-01-01T00:00:00Z"
    token = vc_jwt.sign(credential, key)
    before = {key.id: datetime(2024, 6, 1, tzinfo=UTC)}
    after = {key.id: datetime(2023, 6, 1, tzinfo=UTC)}
    assert verify_credential(token, now=NOW, resolver=documents, retired_keys=before).ok
    cut = verify_credential(token, now=NOW, resolver=documents, retired_keys=after)
    assert cut.verdict == "unknown-issuer"
    proof = cut.check("proof")
    assert proof is not None and "retired" in proof.reason
