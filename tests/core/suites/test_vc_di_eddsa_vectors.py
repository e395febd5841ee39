"""The W3C vc-di-eddsa test vectors (tests/vectors/vc-di-eddsa), byte for byte: canonical
forms, hashes, proof configurations and signatures of eddsa-rdfc-2022, eddsa-jcs-2022 and
Ed25519Signature2020; proof sets and proof chains (``previousProof``) re-created and verified."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.contexts import ContextRegistry, default_registry
from microcred.keys import KeyPair, PublicKey, base58btc_encode
from microcred.suites import eddsa_jcs_2022, eddsa_rdfc_2022, verify_proof
from microcred.suites.data_integrity import (
    canonicalize_jcs,
    canonicalize_rdfc,
    chained_input,
    unsecured_document,
)

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "vc-di-eddsa"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_V2_SHA256 = "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"
CREATED = "2023-02-24T23:36:38Z"
SET_IDS = (
    "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544",
    "urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54",
)
CHAIN_ID = "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"


def _json(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / path).read_text(encoding="utf-8"))
    return data


def _text(path: str) -> str:
    return (VECTORS / path).read_text(encoding="utf-8")


def _hex(path: str) -> str:
    return _text(path).strip()


@pytest.fixture(scope="module")
def registry() -> ContextRegistry:
    copied = default_registry().copy()
    data = (VECTORS / "contexts" / "credentials-examples-v2.jsonld").read_bytes()
    copied.add(EXAMPLES_V2, data, sha256=EXAMPLES_V2_SHA256)
    return copied


def _key(name: str = "keyPair.json", entry: str | None = None) -> KeyPair:
    pair = _json(name) if entry is None else _json(name)[entry]
    key = KeyPair.from_ed25519_seed(pair["privateKeyMultibase"])
    assert key.public.to_multibase() == pair["publicKeyMultibase"]
    return key


def _vm(key: KeyPair) -> str:
    multibase = key.public.to_multibase()
    return f"did:key:{multibase}#{multibase}"


def _public(proof: dict[str, Any]) -> PublicKey:
    return PublicKey.from_multibase(proof["verificationMethod"].split("#", 1)[1])


# --------------------------------------------------------------------------- single proofs


def test_eddsa_rdfc_2022_byte_exact(registry: ContextRegistry) -> None:
    unsigned = _json("unsigned.json")
    canonical = canonicalize_rdfc(unsigned, registry)
    assert canonical == _text("eddsa-rdfc-2022/canonDocDataInt.txt")
    doc_hash = hashlib.sha256(canonical.encode()).hexdigest()
    assert doc_hash == _hex("eddsa-rdfc-2022/docHashDataInt.txt")
    config = _json("eddsa-rdfc-2022/proofConfigDataInt.json")
    proof_canonical = canonicalize_rdfc(config, registry)
    assert proof_canonical == _text("eddsa-rdfc-2022/proofCanonDataInt.txt")
    proof_hash = hashlib.sha256(proof_canonical.encode()).hexdigest()
    assert proof_hash == _hex("eddsa-rdfc-2022/proofHashDataInt.txt")
    assert proof_hash + doc_hash == _hex("eddsa-rdfc-2022/combinedHashDataInt.txt")
    key = _key()
    signed = eddsa_rdfc_2022.sign(unsigned, key, created=CREATED, registry=registry)
    expected = _json("eddsa-rdfc-2022/signedDataInt.json")
    assert signed["proof"][0]["proofValue"] == _hex("eddsa-rdfc-2022/sigBTC58DataInt.txt")
    assert signed["proof"] == [expected["proof"]]
    signature = key.sign(bytes.fromhex(proof_hash + doc_hash))
    assert signature.hex() == _hex("eddsa-rdfc-2022/sigHexDataInt.txt")
    assert eddsa_rdfc_2022.verify_proof(
        expected, expected["proof"], _public(expected["proof"]), registry=registry
    ).ok


def test_eddsa_rdfc_2022_employment_vector_signature() -> None:
    """The citizenship context is not pinned here: the given canonical forms are hashed and
    the signature over them is re-created and checked."""
    doc_hash = hashlib.sha256(_text("eddsa-rdfc-2022/employ/canonDocDataInt.txt").encode())
    assert doc_hash.hexdigest() == _hex("eddsa-rdfc-2022/employ/docHashDataInt.txt")
    proof_hash = hashlib.sha256(_text("eddsa-rdfc-2022/employ/proofCanonDataInt.txt").encode())
    assert proof_hash.hexdigest() == _hex("eddsa-rdfc-2022/employ/proofHashDataInt.txt")
    combined = proof_hash.digest() + doc_hash.digest()
    assert combined.hex() == _hex("eddsa-rdfc-2022/employ/combinedHashDataInt.txt")
    signature = _key().sign(combined)
    assert signature.hex() == _hex("eddsa-rdfc-2022/employ/sigHexDataInt.txt")
    assert "z" + base58btc_encode(signature) == _hex("eddsa-rdfc-2022/employ/sigBTC58DataInt.txt")
    signed = _json("eddsa-rdfc-2022/employ/signedDataInt.json")
    assert signed["proof"]["proofValue"] == "z" + base58btc_encode(signature)


def test_eddsa_jcs_2022_byte_exact() -> None:
    unsigned = _json("unsigned.json")
    canonical = canonicalize_jcs(unsigned)
    assert canonical.decode() == _text("eddsa-jcs-2022/canonDocJCS.txt")
    doc_hash = hashlib.sha256(canonical).hexdigest()
    assert doc_hash == _hex("eddsa-jcs-2022/docHashJCS.txt")
    config = _json("eddsa-jcs-2022/proofConfigJCS.json")
    proof_canonical = canonicalize_jcs(config)
    assert proof_canonical.decode() == _text("eddsa-jcs-2022/proofCanonJCS.txt")
    proof_hash = hashlib.sha256(proof_canonical).hexdigest()
    assert proof_hash == _hex("eddsa-jcs-2022/proofHashJCS.txt")
    assert proof_hash + doc_hash == _hex("eddsa-jcs-2022/combinedHashJCS.txt")
    key = _key()
    assert key.sign(bytes.fromhex(proof_hash + doc_hash)).hex() == _hex(
        "eddsa-jcs-2022/sigHexJCS.txt"
    )
    signed = eddsa_jcs_2022.sign(unsigned, key, created=CREATED)
    proof = signed["proof"][0]
    assert proof["proofValue"] == _hex("eddsa-jcs-2022/sigBTC58JCS.txt")
    expected = _json("eddsa-jcs-2022/signedJCS.json")
    # the vector's proof also carries the @context it signed; the proofValue is the same
    assert {**proof, "@context": unsigned["@context"]} == expected["proof"]
    assert eddsa_jcs_2022.verify_proof(expected, expected["proof"], key.public).ok


def test_ed25519_signature_2020_byte_exact(registry: ContextRegistry) -> None:
    signed = _json("Ed25519Signature2020/signedEdSig.json")
    canonical = canonicalize_rdfc(unsecured_document(signed), registry)
    assert canonical == _text("Ed25519Signature2020/canonDocEdSig.txt")
    doc_hash = hashlib.sha256(canonical.encode()).hexdigest()
    assert doc_hash == _hex("Ed25519Signature2020/docHashEdSig.txt")
    proof_canonical = canonicalize_rdfc(
        _json("Ed25519Signature2020/proofConfigEdSig.json"), registry
    )
    assert proof_canonical == _text("Ed25519Signature2020/proofCanonEdSig.txt")
    proof_hash = hashlib.sha256(proof_canonical.encode()).hexdigest()
    assert proof_hash == _hex("Ed25519Signature2020/proofHashEdSig.txt")
    assert proof_hash + doc_hash == _hex("Ed25519Signature2020/combinedHashEdSig.txt")
    signature = _key().sign(bytes.fromhex(proof_hash + doc_hash))
    assert signature.hex() == _hex("Ed25519Signature2020/sigHexEdSig.txt")
    assert "z" + base58btc_encode(signature) == signed["proof"]["proofValue"]
    check = verify_proof(signed, signed["proof"], _public(signed["proof"]), registry=registry)
    assert check.ok, check.reason


# --------------------------------------------------------------------------- proof sets


def _proof_set(registry: ContextRegistry) -> dict[str, Any]:
    document = _json("proof-set-chain/unsigned.json")
    for number, proof_id in enumerate(SET_IDS, start=1):
        key = _key("proof-set-chain/multiKeyPairs.json", f"keyPair{number}")
        document = eddsa_rdfc_2022.sign(
            document, key, created=CREATED, proof_id=proof_id, registry=registry
        )
    return document


def test_proof_set_recreated_byte_exact(registry: ContextRegistry) -> None:
    assert _proof_set(registry) == _json("proof-set-chain/signedProofSet2.json")
    first = _json("proof-set-chain/signedProofSet1.json")["proof"]
    assert (first if isinstance(first, list) else [first]) == _proof_set(registry)["proof"][:1]


def test_every_proof_of_the_set_verifies_on_its_own(registry: ContextRegistry) -> None:
    document = _json("proof-set-chain/signedProofSet2.json")
    for proof in document["proof"]:
        check = eddsa_rdfc_2022.verify_proof(document, proof, _public(proof), registry=registry)
        assert check.ok, check.reason
    # a proof of a set does not secure the other proofs: dropping one leaves the other valid
    alone = {**document, "proof": document["proof"][1]}
    assert eddsa_rdfc_2022.verify_proof(
        alone, alone["proof"], _public(alone["proof"]), registry=registry
    ).ok


# --------------------------------------------------------------------------- proof chains


def _chain(registry: ContextRegistry) -> dict[str, Any]:
    document = _proof_set(registry)
    keys = "proof-set-chain/multiKeyPairs.json"
    document = eddsa_rdfc_2022.sign(
        document,
        _key(keys, "keyPair3"),
        created="2023-02-26T22:06:38Z",
        proof_id=CHAIN_ID,
        previous_proof=list(SET_IDS),
        registry=registry,
    )
    return eddsa_rdfc_2022.sign(
        document,
        _key(keys, "keyPair4"),
        created="2023-02-26T22:16:38Z",
        previous_proof=CHAIN_ID,
        registry=registry,
    )


def test_proof_chain_recreated_byte_exact(registry: ContextRegistry) -> None:
    chained = _chain(registry)
    assert chained == _json("proof-set-chain/signedProofChain2.json")
    assert chained["proof"][:3] == _json("proof-set-chain/signedProofChain1.json")["proof"]


def test_chained_input_is_the_vectors_temporary_document() -> None:
    chain = _json("proof-set-chain/signedProofChain2.json")
    first, missing = chained_input(chain, list(SET_IDS))
    assert not missing and first == _json("proof-set-chain/proofChainTempDoc1.json")
    second, missing = chained_input(chain, [CHAIN_ID])
    assert not missing and second == _json("proof-set-chain/proofChainTempDoc2.json")


@pytest.mark.parametrize("name", ["signedProofChain1.json", "signedProofChain2.json"])
def test_every_proof_of_the_chain_verifies(registry: ContextRegistry, name: str) -> None:
    document = _json(f"proof-set-chain/{name}")
    for proof in document["proof"]:
        check = eddsa_rdfc_2022.verify_proof(document, proof, _public(proof), registry=registry)
        assert check.ok, check.reason


def test_a_chained_proof_fails_without_the_proof_it_names(registry: ContextRegistry) -> None:
    document = _json("proof-set-chain/signedProofChain2.json")
    last = document["proof"][3]
    without = {**document, "proof": [p for p in document["proof"] if p.get("id") != CHAIN_ID]}
    check = eddsa_rdfc_2022.verify_proof(without, last, _public(last), registry=registry)
    assert not check.ok and CHAIN_ID in check.reason and "not in the document" in check.reason


def test_a_chained_proof_fails_when_the_previous_proof_changes(registry: ContextRegistry) -> None:
    document = copy.deepcopy(_json("proof-set-chain/signedProofChain2.json"))
    document["proof"][2]["created"] = "2023-02-26T22:06:39Z"
    last = document["proof"][3]
    check = eddsa_rdfc_2022.verify_proof(document, last, _public(last), registry=registry)
    assert not check.ok and "does not match" in check.reason


def test_signing_a_chain_to_a_missing_proof_is_refused(registry: ContextRegistry) -> None:
    from microcred.errors import SigningError

    with pytest.raises(SigningError, match="previousProof"):
        eddsa_rdfc_2022.sign(
            _json("proof-set-chain/unsigned.json"),
            _key(),
            previous_proof="urn:uuid:not-there",
            registry=registry,
        )


def test_the_verifier_pipeline_checks_every_proof_of_the_chain_vector(
    registry: ContextRegistry,
) -> None:
    """verify_credential on the four-proof chain: the proof check passes for each proof (the
    vector's did:key signers are not its https issuer: that is the issuer check's finding)."""
    from datetime import UTC, datetime

    from microcred.verify import verify_credential

    document = _json("proof-set-chain/signedProofChain2.json")
    report = verify_credential(document, now=datetime(2025, 1, 1, tzinfo=UTC), registry=registry)
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass", proof
    assert "proof 4 of 4" in proof.reason
    without = {**document, "proof": [p for p in document["proof"] if p.get("id") != CHAIN_ID]}
    report = verify_credential(without, now=datetime(2025, 1, 1, tzinfo=UTC), registry=registry)
    proof = report.check("proof")
    assert proof is not None and proof.status == "fail" and CHAIN_ID in proof.reason
