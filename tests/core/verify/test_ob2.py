"""OB 2.0 assertions through ``verify_credential``: hosted and signed (JWS) verification."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from microcred.did import MapResolver
from microcred.keys import KeyPair
from microcred.verify import verify_credential

NOW = datetime(2025, 6, 1, tzinfo=UTC)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
ASSERTION_URL = "https://issuer.example/assertions/123"
KEY_URL = "https://issuer.example/keys/1"


def _assertion(verification: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": ASSERTION_URL,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": "https://issuer.example/badges/forklift",
        "verification": verification,
        "issuedOn": "2024-03-01T10:00:00Z",
    }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jws(payload: dict[str, Any], key: KeyPair) -> str:
    header = _b64url(json.dumps({"alg": key.jws_algorithm}).encode())
    body = _b64url(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode("ascii"))
    return f"{header}.{body}.{_b64url(signature)}"


def _key_document(key: KeyPair) -> dict[str, Any]:
    pem = (
        key.public.to_cryptography()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": KEY_URL,
        "owner": "https://issuer.example/profile",
        "publicKeyPem": pem,
    }


# ----------------------------------------------------------------------------- hosted


def test_hosted_assertion_matching_the_hosted_copy_is_valid() -> None:
    assertion = _assertion({"type": "hosted"})
    resolver = MapResolver({ASSERTION_URL: copy.deepcopy(assertion)})
    report = verify_credential(json.dumps(assertion), now=NOW, resolver=resolver)
    assert report.verdict == "valid"
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass"
    assert ASSERTION_URL in proof.reason
    assert [c.name for c in report.checks] == ["parse", "structure", "proof"]


def test_hosted_assertion_that_differs_from_the_hosted_copy_is_tampered() -> None:
    assertion = _assertion({"type": "HostedBadge"})
    hosted = copy.deepcopy(assertion)
    hosted["recipient"]["identity"] = "someone-else@example.org"
    report = verify_credential(assertion, now=NOW, resolver=MapResolver({ASSERTION_URL: hosted}))
    assert report.verdict == "tampered"
    proof = report.check("proof")
    assert proof is not None and proof.code == "tampered"


def test_hosted_assertion_that_cannot_be_fetched_is_an_unknown_issuer() -> None:
    report = verify_credential(_assertion({"type": "hosted"}), now=NOW, resolver=MapResolver({}))
    assert report.verdict == "unknown-issuer"


def test_hosted_assertion_revoked_at_its_host() -> None:
    assertion = _assertion({"type": "hosted"})
    hosted = {**assertion, "revoked": True}
    report = verify_credential(
        {**assertion, "revoked": True}, now=NOW, resolver=MapResolver({ASSERTION_URL: hosted})
    )
    assert report.verdict == "revoked"


# ----------------------------------------------------------------------------- signed


@pytest.fixture(scope="module", params=["Ed25519", "RSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    if request.param == "RSA":
        return KeyPair.generate_rs256(controller="https://issuer.example/profile")
    return KeyPair.generate_ed25519(controller="https://issuer.example/profile")


def test_signed_assertion_verifies_with_the_issuers_key(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    resolver = MapResolver({KEY_URL: _key_document(issuer_key)})
    report = verify_credential(token, now=NOW, resolver=resolver)
    assert report.container == "jwt"
    assert report.verdict == "valid", report.to_json()
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass"
    assert issuer_key.jws_algorithm in proof.reason and KEY_URL in proof.reason


def test_tampered_signed_assertion_is_refused(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "SignedBadge", "creator": KEY_URL}), issuer_key)
    header, _, signature = token.split(".")
    forged = _assertion({"type": "SignedBadge", "creator": KEY_URL})
    forged["recipient"]["identity"] = "mallory@example.org"
    tampered = f"{header}.{_b64url(json.dumps(forged).encode())}.{signature}"
    resolver = MapResolver({KEY_URL: _key_document(issuer_key)})
    report = verify_credential(tampered, now=NOW, resolver=resolver)
    assert report.verdict == "tampered"
    proof = report.check("proof")
    assert proof is not None and "does not match" in proof.reason


def test_signed_assertion_with_another_key_is_refused(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    stranger = KeyPair.generate_ed25519(controller="https://elsewhere.example/profile")
    resolver = MapResolver({KEY_URL: _key_document(stranger)})
    report = verify_credential(token, now=NOW, resolver=resolver)
    assert not report.ok and report.verdict == "tampered"


def test_signed_assertion_whose_key_cannot_be_resolved(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    report = verify_credential(token, now=NOW, resolver=MapResolver({}))
    assert report.verdict == "unknown-issuer"


def test_signed_assertion_given_as_json_is_refused() -> None:
    report = verify_credential(_assertion({"type": "signed", "creator": KEY_URL}), now=NOW)
    proof = report.check("proof")
    assert proof is not None and proof.status == "fail"
    assert "must be given as its JWS" in proof.reason


def test_expired_signed_assertion(issuer_key: KeyPair) -> None:
    assertion = _assertion({"type": "signed", "creator": KEY_URL})
    assertion["expires"] = "2025-01-01T00:00:00Z"
    token = _jws(assertion, issuer_key)
    report = verify_credential(
        token, now=NOW, resolver=MapResolver({KEY_URL: _key_document(issuer_key)})
    )
    assert report.verdict == "expired"


def test_the_public_names_stay_importable_from_microcred_verify() -> None:
    from microcred import verify

    for name in (
        "CHECK_ORDER",
        "Check",
        "VerificationReport",
        "issue_credential",
        "verify_credential",
        "SUITES",
        "JWT_ALGORITHMS",
        "Decoded",
        "decode_input",
        "KeyInfo",
        "Resolver",
        "fetch",
        "resolve_key",
        "OB_TYPES",
        "KNOWN_TYPES",
        "OB2_CONTEXTS",
        "MAX_NESTING",
    ):
        assert hasattr(verify, name), name
