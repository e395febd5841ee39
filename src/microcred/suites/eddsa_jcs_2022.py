"""The ``eddsa-jcs-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0).

Canonicalization is JSON Canonicalization Scheme (RFC 8785); no JSON-LD processing happens, so
``registry`` is accepted for a uniform API and ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from microcred.contexts import ContextRegistry
from microcred.keys import KeyPair, PublicKey
from microcred.suites import _eddsa
from microcred.suites.data_integrity import DATA_INTEGRITY_PROOF, ProofCheck, canonicalize_jcs

__all__ = ["CRYPTOSUITE", "hash_data", "sign", "verify_proof"]

CRYPTOSUITE: Final = "eddsa-jcs-2022"

_ACCEPTED: Final[Mapping[tuple[str, str | None], str]] = {
    (DATA_INTEGRITY_PROOF, CRYPTOSUITE): CRYPTOSUITE,
}


def hash_data(
    unsecured: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    registry: ContextRegistry | None = None,
) -> bytes:
    """SHA-256 of the JCS proof configuration || SHA-256 of the JCS document."""
    proof_hash = hashlib.sha256(canonicalize_jcs(dict(proof_config))).digest()
    return proof_hash + hashlib.sha256(canonicalize_jcs(dict(unsecured))).digest()


def sign(
    document: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    created: datetime | str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    registry: ContextRegistry | None = None,
    proof_id: str | None = None,
    expires: datetime | str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """A new document with an ``eddsa-jcs-2022`` proof added to its proof set."""
    return _eddsa.sign_document(
        document,
        key_pair,
        cryptosuite=CRYPTOSUITE,
        hash_data=hash_data,
        created=created,
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
        registry=registry,
        require_context=False,
        proof_id=proof_id,
        expires=expires,
        previous_proof=previous_proof,
    )


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    *,
    registry: ContextRegistry | None = None,
) -> ProofCheck:
    """Check one ``eddsa-jcs-2022`` proof of ``document``; never raises for a bad proof."""
    return _eddsa.verify_document(
        document, proof, public_key, accepted=_ACCEPTED, hash_data=hash_data, registry=registry
    )
