from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.did import MapResolver, resolve_verification_method
from microcred.errors import ResolutionError
from microcred.keys import KeyPair, PublicKey
from microcred.suites import eddsa_rdfc_2022, proofs_of, verify_proof
from microcred.suites.data_integrity import unsecured_document
from ob30_issuers import issuer_documents

TEST_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"

Loader = Callable[[str], dict[str, Any]]


@pytest.fixture(scope="module")
def test_vector_key(manifest: dict[str, Any]) -> KeyPair:
    key = manifest["keys"][TEST_KEY]
    return KeyPair.from_ed25519_seed(key["secretSeedHex"])


#: the fixture issuers' controller documents (a key in a URL fragment alone binds nothing)
FIXTURE_ISSUERS = MapResolver(issuer_documents())


def _resolve_key(verification_method: str) -> PublicKey:
    return resolve_verification_method(verification_method, resolver=FIXTURE_ISSUERS).public_key


RESIGNABLE = [
    "simple.json",
    "simple-did-key-method.json",
    "simple-did-web-method.json",
    "simple-context-alias.json",
    "bit-string-list/testlist",
    "bit-string-list/credential-status-revoked-blank-nodes.json",
]


@pytest.mark.parametrize("name", RESIGNABLE)
def test_resigning_a_fixture_reproduces_its_proof_value(
    name: str, ob30_json: Loader, test_vector_key: KeyPair
) -> None:
    fixture = ob30_json(name)
    [original] = [p for p in proofs_of(fixture) if p.get("cryptosuite") == "eddsa-rdfc-2022"]
    signed = eddsa_rdfc_2022.sign(
        unsecured_document(fixture),
        test_vector_key,
        created=original["created"],
        verification_method=original["verificationMethod"],
        proof_purpose=original["proofPurpose"],
    )
    [proof] = signed["proof"]
    assert proof["proofValue"] == original["proofValue"]
    assert {k: v for k, v in proof.items()} == dict(original)


def _manifest_signature_cases(manifest: dict[str, Any]) -> list[tuple[str, bool | None]]:
    """(file, expected) per fixture proof; expected None = the key must not resolve offline."""
    cases: list[tuple[str, bool | None]] = []
    for entry in manifest["files"]:
        if not entry["file"].endswith((".json", "testlist", ".1ob")):
            continue
        for check in entry.get("offline_checks", {}).get("signature", []):
            if check["verified"] is None or check["proof"] == "no-proof":
                continue
            unresolvable = "unresolvable" in check["detail"] or "not an Ed25519" in check["detail"]
            cases.append((entry["file"], None if unresolvable else bool(check["verified"])))
    return cases


def test_every_embedded_ed25519_fixture_proof_verifies_as_the_manifest_expects(
    manifest: dict[str, Any], ob30_json: Loader
) -> None:
    cases = _manifest_signature_cases(manifest)
    assert len(cases) >= 35
    outcomes: dict[str, Any] = {}
    for name, expected in cases:
        document = ob30_json(name)
        results: list[bool | None] = []
        for proof in proofs_of(document):
            if "proofValue" not in proof or proof.get("cryptosuite") == "ecdsa-sd-2023":
                continue
            try:
                key = _resolve_key(proof["verificationMethod"])
            except ResolutionError:
                results.append(None)
                continue
            results.append(verify_proof(document, proof, key).ok)
        assert len(results) == 1, name
        outcomes[name] = (expected, results[0])
    wrong = {n: o for n, o in outcomes.items() if o[0] != o[1]}
    assert not wrong, json.dumps(wrong, indent=1)
    # Both legacy forms are among the verified ones; the unresolvable ones are present too.
    assert outcomes["simple_v1.json"] == (True, True)
    assert outcomes["simple-eddsa-2022.json"] == (True, True)
    assert outcomes["credential-status-revoked.json"] == (True, True)
    assert outcomes["simple-err-proof-value.json"] == (False, False)
    assert outcomes["complete_v1.json"] == (None, None)
    assert outcomes["simple-err-proof-method-no-scheme.json"] == (None, None)


def test_tampered_fixture_fails_with_a_plain_reason(ob30_json: Loader) -> None:
    document = ob30_json("simple.json")
    [proof] = proofs_of(document)
    document["name"] = "Forged Badge"
    check = verify_proof(document, proof, _resolve_key(proof["verificationMethod"]))
    assert not check.ok
    assert "does not match" in check.reason


def test_multiple_proofs_fixture_verifies_its_data_integrity_proof(ob30_json: Loader) -> None:
    document = ob30_json("simple-multiple-proofs.json")
    first, second = proofs_of(document)
    unsupported = verify_proof(document, first, PublicKey.from_multibase(TEST_KEY))
    assert not unsupported.ok and "unsupported proof SomeProofType" in unsupported.reason
    assert verify_proof(document, second, _resolve_key(second["verificationMethod"])).ok


def _credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2b0f4e52-5d3d-4b1e-9d8e-6a2e0e0c8b11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/", "type": ["Profile"], "name": "Acme"},
        "validFrom": "2024-05-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/forklift",
                "type": ["Achievement"],
                "name": "Forklift safety",
                "criteria": {"narrative": "Passed the practical test."},
            },
        },
    }


def test_sign_then_verify_round_trip_and_proof_set() -> None:
    issuer = KeyPair.generate_ed25519()
    endorser = KeyPair.generate_ed25519(controller="did:web:endorser.example")
    created = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    once = eddsa_rdfc_2022.sign(_credential(), issuer, created=created)
    twice = eddsa_rdfc_2022.sign(once, endorser, created=created + timedelta(hours=1))
    first, second = twice["proof"]
    assert first == once["proof"][0]
    assert first["created"] == "2024-05-01T12:00:00Z"
    assert second["created"] == "2024-05-01T13:00:00Z"
    assert second["verificationMethod"].startswith("did:web:endorser.example#z6Mk")
    assert first["proofValue"].startswith("z")
    assert verify_proof(twice, first, issuer.public).ok
    assert verify_proof(twice, second, endorser.public).ok
    wrong_key = verify_proof(twice, first, endorser.public)
    assert not wrong_key.ok


def test_sign_does_not_modify_its_input_and_is_deterministic() -> None:
    key = KeyPair.generate_ed25519()
    credential = _credential()
    before = json.dumps(credential, sort_keys=True)
    one = eddsa_rdfc_2022.sign(credential, key, created="2024-01-01T00:00:00Z")
    two = eddsa_rdfc_2022.sign(credential, key, created="2024-01-01T00:00:00Z")
    assert json.dumps(credential, sort_keys=True) == before
    assert one == two


def test_challenge_and_domain_are_signed() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(
        _credential(),
        key,
        created="2024-01-01T00:00:00Z",
        proof_purpose="authentication",
        challenge="abc123",
        domain="verifier.example",
    )
    [proof] = signed["proof"]
    assert (proof["challenge"], proof["domain"], proof["proofPurpose"]) == (
        "abc123",
        "verifier.example",
        "authentication",
    )
    assert verify_proof(signed, proof, key.public).ok
    altered = dict(proof, challenge="other")
    assert not verify_proof(signed, altered, key.public).ok


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"proofValue": None}, "no proofValue"),
        ({"proofValue": "uAAAA"}, "base58btc"),
        ({"proofValue": "z0OIl"}, "multibase"),
        ({"verificationMethod": None}, "no verificationMethod"),
        ({"created": "yesterday"}, "dateTime"),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "unsupported proof"),
        ({"type": "JsonWebSignature2020", "cryptosuite": None}, "unsupported proof"),
    ],
)
def test_malformed_proofs_are_reported_not_raised(change: dict[str, Any], reason: str) -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(_credential(), key, created="2024-01-01T00:00:00Z")
    proof = {k: v for k, v in {**signed["proof"][0], **change}.items() if v is not None}
    check = verify_proof(signed, proof, key.public)
    assert not check.ok
    assert reason in check.reason


def test_verify_refuses_a_non_ed25519_key_and_reports_canonicalization_failures() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(_credential(), key, created="2024-01-01T00:00:00Z")
    proof = signed["proof"][0]
    p256 = KeyPair.generate_es256().public
    check = eddsa_rdfc_2022.verify_proof(signed, proof, p256)
    assert not check.ok and "Ed25519" in check.reason
    broken = dict(signed, **{"@context": ["https://unknown.example/context.jsonld"]})
    check = eddsa_rdfc_2022.verify_proof(broken, proof, key.public)
    assert not check.ok


def test_proof_context_must_prefix_the_document_context() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_rdfc_2022.sign(_credential(), key, created="2024-01-01T00:00:00Z")
    proof = dict(signed["proof"][0], **{"@context": ["https://www.w3.org/2018/credentials/v1"]})
    check = eddsa_rdfc_2022.verify_proof(signed, proof, key.public)
    assert not check.ok and "@context" in check.reason
    proof_ok = dict(signed["proof"][0], **{"@context": signed["@context"]})
    assert eddsa_rdfc_2022.verify_proof(signed, proof_ok, key.public).ok
