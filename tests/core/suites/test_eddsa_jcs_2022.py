from __future__ import annotations

import hashlib
import json
from typing import Any

from microcred.keys import KeyPair, base58btc_decode
from microcred.suites import eddsa_jcs_2022, verify_proof
from microcred.suites.data_integrity import canonicalize_jcs


def _document() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject", "name": "Ada"},
    }


def test_jcs_sign_verify_round_trip_and_hash_layout() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_jcs_2022.sign(_document(), key, created="2024-02-03T04:05:06Z")
    [proof] = signed["proof"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert verify_proof(signed, proof, key.public).ok
    # hashData = SHA-256(JCS(proof config with the document @context)) || SHA-256(JCS(doc)).
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    expected = (
        hashlib.sha256(canonicalize_jcs(config)).digest()
        + hashlib.sha256(canonicalize_jcs(_document())).digest()
    )
    assert key.public.verify(base58btc_decode(proof["proofValue"][1:]), expected)


def test_jcs_detects_any_change_even_without_json_ld() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_jcs_2022.sign(_document(), key, created="2024-02-03T04:05:06Z")
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["name"] = "Eve"
    check = verify_proof(tampered, tampered["proof"][0], key.public)
    assert not check.ok and "does not match" in check.reason


def test_jcs_does_not_accept_an_rdfc_proof() -> None:
    key = KeyPair.generate_ed25519()
    signed = eddsa_jcs_2022.sign(_document(), key, created="2024-02-03T04:05:06Z")
    relabelled = dict(signed["proof"][0], cryptosuite="eddsa-rdfc-2022")
    assert not eddsa_jcs_2022.verify_proof(signed, relabelled, key.public).ok
