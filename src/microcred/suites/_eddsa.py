"""The EdDSA Data Integrity flow shared by eddsa-rdfc-2022 and eddsa-jcs-2022.

Per W3C "Data Integrity EdDSA Cryptosuites v1.0": the proof configuration is the proof options
with the document's ``@context``; ``hashData = SHA-256(canonical proof configuration) ||
SHA-256(canonical unsecured document)``; the Ed25519 signature over it is the ``proofValue``,
multibase base58btc (``z…``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.errors import Error, SigningError
from microcred.keys import KeyPair, PublicKey, base58btc_encode, multibase_decode
from microcred.suites.data_integrity import (
    DATA_INTEGRITY_PROOF,
    ProofCheck,
    add_proof,
    chained_input,
    format_created,
    previous_proof_ids,
    proof_options,
    unsecured_document,
)

HashData = Callable[[Mapping[str, Any], Mapping[str, Any], Any], bytes]
"""(unsecured document, proof configuration, registry) → the bytes to sign."""

_NON_CONFIG_MEMBERS = frozenset({"proofValue", "jws", "signatureValue"})


def sign_document(
    document: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    cryptosuite: str,
    hash_data: HashData,
    created: datetime | str | None,
    verification_method: str | None,
    proof_purpose: str,
    challenge: str | None,
    domain: str | None,
    registry: Any,
    require_context: bool,
    proof_id: str | None = None,
    expires: datetime | str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    if not isinstance(document, Mapping):
        raise SigningError("the document to sign must be a JSON object")
    if key_pair.algorithm != "Ed25519":
        raise SigningError(f"{cryptosuite} signs with Ed25519 keys, not {key_pair.algorithm}")
    if require_context and "@context" not in document:
        raise SigningError(f"{cryptosuite} needs a document with an @context")
    options = proof_options(
        proof_type=DATA_INTEGRITY_PROOF,
        cryptosuite=cryptosuite,
        verification_method=verification_method or key_pair.id,
        created=created,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
        proof_id=proof_id,
        expires=expires,
        previous_proof=previous_proof,
    )
    unsecured = _secured_input(document, options)
    config = dict(options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    signature = key_pair.sign(hash_data(unsecured, config, registry))
    return add_proof(document, {**options, "proofValue": "z" + base58btc_encode(signature)})


def verify_document(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    *,
    accepted: Mapping[tuple[str, str | None], str],
    hash_data: HashData,
    registry: Any,
) -> ProofCheck:
    """Verify one proof; ``accepted`` maps (type, cryptosuite) to a name used in reasons."""
    if not isinstance(document, Mapping) or not isinstance(proof, Mapping):
        return ProofCheck(False, "the document and the proof must be JSON objects")
    proof_type, suite = proof.get("type"), proof.get("cryptosuite")
    name = None
    if isinstance(proof_type, str) and (suite is None or isinstance(suite, str)):
        name = accepted.get((proof_type, suite))
    if name is None:
        return ProofCheck(
            False, f"proof type {proof_type!r} / cryptosuite {suite!r} is not handled"
        )
    problem = _proof_shape_problem(proof)
    if problem:
        return ProofCheck(False, problem)
    if public_key.algorithm != "Ed25519":
        return ProofCheck(False, f"{name} needs an Ed25519 key, the key is {public_key.algorithm}")
    try:
        signature = multibase_decode(proof["proofValue"])
    except Error:
        return ProofCheck(False, "proofValue is not a valid multibase value")
    if not proof["proofValue"].startswith("z") or len(signature) != 64:
        return ProofCheck(False, "proofValue is not a base58btc Ed25519 signature (64 bytes)")
    previous = previous_proof_ids(proof)
    if previous is not None:
        if not previous:
            return ProofCheck(False, "previousProof must be a proof id or a list of proof ids")
        unsecured, missing = chained_input(document, previous)
        if missing:
            shown = ", ".join(repr(i) for i in missing)
            return ProofCheck(
                False, f"the previous proof {shown} this proof chains to is not in the document"
            )
    else:
        unsecured = unsecured_document(document)
    config = {k: v for k, v in proof.items() if k not in _NON_CONFIG_MEMBERS}
    if "@context" in config:
        if not _starts_with(unsecured.get("@context"), config["@context"]):
            return ProofCheck(False, "the proof's @context does not match the document's @context")
        unsecured["@context"] = config["@context"]
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    try:
        data = hash_data(unsecured, config, registry)
    except Error as exc:
        return ProofCheck(False, f"the document could not be canonicalized: {exc}")
    if public_key.verify(signature, data):
        return ProofCheck(True, f"{name} signature is valid")
    return ProofCheck(False, f"{name} signature does not match: the data or the key differ")


def _secured_input(document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """What a new proof secures: the unsecured document, or for a chained proof the document
    with the proofs its ``previousProof`` names (SigningError if one is missing)."""
    previous = previous_proof_ids(options)
    if previous is None:
        return unsecured_document(document)
    chained, missing = chained_input(document, previous)
    if missing:
        raise SigningError(f"previousProof names proofs the document does not have: {missing}")
    return chained


def _proof_shape_problem(proof: Mapping[str, Any]) -> str | None:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value:
        return "the proof has no proofValue"
    if not isinstance(proof.get("verificationMethod"), str):
        return "the proof has no verificationMethod"
    if not isinstance(proof.get("proofPurpose"), str):
        return "the proof has no proofPurpose"
    created = proof.get("created")
    if created is not None:
        try:
            format_created(created if isinstance(created, str) else repr(created))
        except SigningError:
            return f"the proof's created value {created!r} is not an XML Schema dateTime"
    expires = proof.get("expires")
    if expires is not None:
        try:
            format_created(expires if isinstance(expires, str) else repr(expires))
        except SigningError:
            return f"the proof's expires value {expires!r} is not an XML Schema dateTime"
    return None


def _starts_with(document_context: Any, proof_context: Any) -> bool:
    doc = document_context if isinstance(document_context, list) else [document_context]
    prf = proof_context if isinstance(proof_context, list) else [proof_context]
    return doc[: len(prf)] == prf
