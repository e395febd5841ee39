"""The ``eddsa-rdfc-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0).

Canonicalization is RDFC-1.0 over the pinned offline contexts. :func:`verify_proof` also
accepts the two legacy forms that canonicalize and hash the same way and appear in the 1EdTech
fixtures: cryptosuite ``eddsa-2022`` (the pre-REC name) and ``Ed25519Signature2020``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from microcred.canon.jsonld import SubtreeMemo, canonicalize_batch, canonicalize_tree
from microcred.contexts import ContextRegistry
from microcred.keys import KeyPair, PublicKey
from microcred.suites import _eddsa
from microcred.suites.data_integrity import (
    DATA_INTEGRITY_PROOF,
    DEFAULT_PROOF_CONFIG_CACHE,
    ProofCheck,
    canonicalize_rdfc,
    format_created,
)

__all__ = ["CRYPTOSUITE", "hash_data", "sign", "sign_many", "verify_proof"]

CRYPTOSUITE: Final = "eddsa-rdfc-2022"
LEGACY_CRYPTOSUITE: Final = "eddsa-2022"
LEGACY_PROOF_TYPE: Final = "Ed25519Signature2020"

_ACCEPTED: Final[Mapping[tuple[str, str | None], str]] = {
    (DATA_INTEGRITY_PROOF, CRYPTOSUITE): CRYPTOSUITE,
    (DATA_INTEGRITY_PROOF, LEGACY_CRYPTOSUITE): f"{LEGACY_CRYPTOSUITE} (legacy)",
    (LEGACY_PROOF_TYPE, None): f"{LEGACY_PROOF_TYPE} (legacy)",
}


def hash_data(
    unsecured: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    registry: ContextRegistry | None = None,
) -> bytes:
    """SHA-256 of the canonical proof configuration || SHA-256 of the canonical document."""
    proof_hash = DEFAULT_PROOF_CONFIG_CACHE.sha256(
        proof_config, lambda config: canonicalize_rdfc(config, registry), registry=registry
    )
    document_hash = hashlib.sha256(canonicalize_rdfc(unsecured, registry).encode("utf-8"))
    return proof_hash + document_hash.digest()


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
    """A new document with an ``eddsa-rdfc-2022`` proof added to its proof set.

    ``created`` defaults to now; ``verification_method`` to ``key_pair.id``. ``proof_id``
    names the proof, ``expires`` ends its validity, ``previous_proof`` (one id or several)
    makes it a chained proof over the document with those proofs (VC Data Integrity 1.0).
    Raises
    :class:`~microcred.errors.SigningError`, or a ``ContextError`` for undefined terms.
    """
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
        require_context=True,
        proof_id=proof_id,
        expires=expires,
        previous_proof=previous_proof,
    )


def sign_many(
    documents: Iterable[Mapping[str, Any]],
    key_pair: KeyPair,
    *,
    created: datetime | str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    registry: ContextRegistry | None = None,
) -> list[dict[str, Any]]:
    """:func:`sign` for a batch: ``[sign(d, key_pair, ...) for d in documents]``, byte for
    byte. Each document takes the one-walk path of :func:`sign` (whose process-wide subtree
    cache serves the subtrees documents share: one issuer profile, one achievement); the
    documents it hands back go through a per-batch memo of subtree quads.

    ``created`` is resolved once: with the default (now) every proof of the batch gets the
    same ``created``. The first document that :func:`sign` would refuse raises the same
    error here (the documents signed before it are not returned).
    """
    stamp = format_created(created)
    memo = SubtreeMemo(defer=True)

    def batch_hash_data(
        unsecured: Mapping[str, Any],
        proof_config: Mapping[str, Any],
        registry: ContextRegistry | None = None,
    ) -> bytes:
        proof_hash = DEFAULT_PROOF_CONFIG_CACHE.sha256(
            proof_config, lambda config: canonicalize_rdfc(config, registry), registry=registry
        )
        # the one-walk path first (its subtree cache serves repeated issuers and
        # achievements); the batch memo for the documents it hands back
        nquads = canonicalize_tree(unsecured, registry=registry)
        if nquads is None:
            nquads = canonicalize_batch(unsecured, memo, registry=registry)
        return proof_hash + hashlib.sha256(nquads.encode("utf-8")).digest()

    return [
        _eddsa.sign_document(
            document,
            key_pair,
            cryptosuite=CRYPTOSUITE,
            hash_data=batch_hash_data,
            created=stamp,
            verification_method=verification_method,
            proof_purpose=proof_purpose,
            challenge=challenge,
            domain=domain,
            registry=registry,
            require_context=True,
        )
        for document in documents
    ]


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    *,
    registry: ContextRegistry | None = None,
) -> ProofCheck:
    """Check one proof of ``document`` against ``public_key``; never raises for a bad proof.

    The caller resolves ``proof["verificationMethod"]`` to ``public_key`` and checks the proof
    purpose against the controller document.
    """
    return _eddsa.verify_document(
        document, proof, public_key, accepted=_ACCEPTED, hash_data=hash_data, registry=registry
    )


def handles(proof: Mapping[str, Any]) -> bool:
    """True when :func:`microcred.suites.verify_proof` sends ``proof`` to this suite."""
    proof_type = proof.get("type")
    if proof_type == LEGACY_PROOF_TYPE:
        return True
    return proof_type == DATA_INTEGRITY_PROOF and proof.get("cryptosuite") in (
        CRYPTOSUITE,
        LEGACY_CRYPTOSUITE,
    )


def verify_proof_with_nquads(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    unsecured_nquads: str,
    *,
    registry: ContextRegistry | None = None,
) -> ProofCheck:
    """:func:`verify_proof` given the canonical N-Quads of ``document`` without its proof
    (already computed with ``registry``; private to the verifier's pipeline). They are used
    only when the proof leaves the document's ``@context`` as it is."""
    document_context = document.get("@context")

    def shared_hash_data(
        unsecured: Mapping[str, Any],
        proof_config: Mapping[str, Any],
        registry: ContextRegistry | None = None,
    ) -> bytes:
        if "proof" in unsecured or unsecured.get("@context") != document_context:
            return hash_data(unsecured, proof_config, registry)
        proof_hash = DEFAULT_PROOF_CONFIG_CACHE.sha256(
            proof_config, lambda config: canonicalize_rdfc(config, registry), registry=registry
        )
        return proof_hash + hashlib.sha256(unsecured_nquads.encode("utf-8")).digest()

    return _eddsa.verify_document(
        document,
        proof,
        public_key,
        accepted=_ACCEPTED,
        hash_data=shared_hash_data,
        registry=registry,
    )
