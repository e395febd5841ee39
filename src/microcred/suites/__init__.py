"""Proof suites: Data Integrity (eddsa-rdfc-2022, eddsa-jcs-2022, legacy Ed25519) and VC-JWT.

:func:`verify_proof` picks the suite from the proof's ``type`` / ``cryptosuite``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from microcred.contexts import ContextRegistry
from microcred.keys import PublicKey
from microcred.suites import eddsa_jcs_2022, eddsa_rdfc_2022
from microcred.suites.data_integrity import DATA_INTEGRITY_PROOF, ProofCheck, proofs_of

__all__ = ["SUPPORTED_PROOFS", "ProofCheck", "proofs_of", "verify_proof"]

SUPPORTED_PROOFS: Final = (
    f"{DATA_INTEGRITY_PROOF}/{eddsa_rdfc_2022.CRYPTOSUITE}",
    f"{DATA_INTEGRITY_PROOF}/{eddsa_jcs_2022.CRYPTOSUITE}",
    f"{DATA_INTEGRITY_PROOF}/{eddsa_rdfc_2022.LEGACY_CRYPTOSUITE} (legacy)",
    f"{eddsa_rdfc_2022.LEGACY_PROOF_TYPE} (legacy)",
)


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    *,
    registry: ContextRegistry | None = None,
) -> ProofCheck:
    """Verify one embedded proof with the suite its ``type`` / ``cryptosuite`` name."""
    if not isinstance(proof, Mapping):
        return ProofCheck(False, "the proof is not a JSON object")
    proof_type = proof.get("type")
    cryptosuite = proof.get("cryptosuite")
    if proof_type == DATA_INTEGRITY_PROOF and cryptosuite == eddsa_jcs_2022.CRYPTOSUITE:
        return eddsa_jcs_2022.verify_proof(document, proof, public_key, registry=registry)
    if (proof_type == DATA_INTEGRITY_PROOF and cryptosuite in _RDFC_SUITES) or (
        proof_type == eddsa_rdfc_2022.LEGACY_PROOF_TYPE
    ):
        return eddsa_rdfc_2022.verify_proof(document, proof, public_key, registry=registry)
    shown = f"{proof_type}/{cryptosuite}" if cryptosuite else str(proof_type)
    return ProofCheck(
        False, f"unsupported proof {shown}: supported are {', '.join(SUPPORTED_PROOFS)}"
    )


_RDFC_SUITES: Final = (eddsa_rdfc_2022.CRYPTOSUITE, eddsa_rdfc_2022.LEGACY_CRYPTOSUITE)
