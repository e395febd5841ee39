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
BADGE_URL = "https://issuer.example/badges/forklift"
PROFILE_URL = "https://issuer.example/profile"


def _assertion(verification: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": ASSERTION_URL,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": BADGE_URL,
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
        "owner": PROFILE_URL,
        "publicKeyPem": pem,
    }


def _issuer_documents(signer: KeyPair, **changes: Any) -> MapResolver:
    """The key document, the badge class and the issuer profile that publishes the key."""
    documents: dict[str, Any] = {
        KEY_URL: _key_document(signer),
        BADGE_URL: {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": BADGE_URL,
            "issuer": PROFILE_URL,
        },
        PROFILE_URL: {
            "@context": OB2_CONTEXT,
            "type": "Profile",
            "id": PROFILE_URL,
            "publicKey": KEY_URL,
        },
    }
    for url, document in changes.items():
        documents[{"key": KEY_URL, "badge": BADGE_URL, "profile": PROFILE_URL}[url]] = document
    return MapResolver(documents)


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
    resolver = _issuer_documents(issuer_key)
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
    resolver = _issuer_documents(issuer_key)
    report = verify_credential(tampered, now=NOW, resolver=resolver)
    assert report.verdict == "tampered"
    proof = report.check("proof")
    assert proof is not None and "does not match" in proof.reason


def test_signed_assertion_with_another_key_is_refused(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    stranger = KeyPair.generate_ed25519(controller="https://elsewhere.example/profile")
    resolver = _issuer_documents(issuer_key, key=_key_document(stranger))
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
    report = verify_credential(token, now=NOW, resolver=_issuer_documents(issuer_key))
    assert report.verdict == "expired"


def test_signed_assertion_binds_its_key_to_the_badge_issuer(issuer_key: KeyPair) -> None:
    """A key document alone proves nothing: its owner must be the badge's issuer and the
    issuer's own profile must list it; anything else is an unknown issuer (decision 0017)."""
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    elsewhere = dict(_key_document(issuer_key), owner="https://attacker.example/profile")
    unlisted = {"id": PROFILE_URL, "type": "Profile", "publicKey": "https://issuer.example/keys/2"}
    wrong_id = {"id": "https://attacker.example/profile", "publicKey": KEY_URL}
    urn_badge = {"id": BADGE_URL, "type": "BadgeClass", "issuer": "urn:uuid:1234"}
    for changes in (
        {"key": elsewhere},
        {"profile": unlisted},
        {"profile": wrong_id},
        {"badge": urn_badge},
    ):
        report = verify_credential(
            token, now=NOW, resolver=_issuer_documents(issuer_key, **changes)
        )
        assert report.verdict == "unknown-issuer", (changes, report.to_json())
    key_and_badge_only = MapResolver(
        {KEY_URL: _key_document(issuer_key), BADGE_URL: {"id": BADGE_URL, "issuer": PROFILE_URL}}
    )
    report = verify_credential(token, now=NOW, resolver=key_and_badge_only)
    assert report.verdict == "unknown-issuer"


def test_a_forged_embedded_issuer_profile_is_not_trusted(issuer_key: KeyPair) -> None:
    """An attacker's assertion embedding a badge whose issuer profile lists the attacker's key:
    the profile is fetched by its id, so the real profile decides."""
    attacker = KeyPair.generate_ed25519(controller="https://attacker.example/")
    assertion = _assertion({"type": "signed", "creator": "https://attacker.example/key"})
    assertion["badge"] = {
        "id": BADGE_URL,
        "type": "BadgeClass",
        "issuer": {"id": PROFILE_URL, "publicKey": "https://attacker.example/key"},
    }
    token = _jws(assertion, attacker)
    attacker_key = dict(_key_document(attacker), id="https://attacker.example/key")
    resolver = _issuer_documents(issuer_key)
    documents = {url: resolver.resolve(url) for url in (KEY_URL, BADGE_URL, PROFILE_URL)}
    documents["https://attacker.example/key"] = attacker_key
    report = verify_credential(token, now=NOW, resolver=MapResolver(documents))
    assert report.verdict == "unknown-issuer", report.to_json()


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
