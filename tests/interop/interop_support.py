"""Helpers shared by the interoperability tests (outside conftest.py, so tests import them)."""

from __future__ import annotations

import copy
import importlib
from datetime import UTC, datetime
from typing import Any

import pytest

# Every benchmark credential with index < 200 is valid at this instant.
NOW_ISO = "2025-09-01T12:00:00Z"
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
CREATED = "2025-08-01T09:30:00Z"

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


def require(module: str, attribute: str | None = None) -> Any:
    """The microcred module (or one of its attributes) a test needs, or a skip naming it.

    The core is written in parallel with these tests: a missing piece is a visible skip with
    its name, never a silent pass.
    """
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"{module} is not available yet ({error}); this interop check needs it")
    if attribute is None:
        return loaded
    value = getattr(loaded, attribute, None)
    if value is None:
        pytest.skip(f"{module}.{attribute} is not available yet; this interop check needs it")
    return value


def did_web_document(
    did: str, public_key_multibase: str, fragment: str = "key-1"
) -> dict[str, Any]:
    """A did:web DID document with one Ed25519 Multikey usable for assertionMethod."""
    method_id = f"{did}#{fragment}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase,
            }
        ],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }


def tamper(credential: dict[str, Any], what: str) -> dict[str, Any]:
    """A copy of a signed credential with one claim changed (the proof left as it was)."""
    changed = copy.deepcopy(credential)
    if what == "name":
        changed["credentialSubject"]["achievement"]["name"] += " (Expert)"
    elif what == "subject":
        identity = changed["credentialSubject"]["identifier"][0]
        digest = identity["identityHash"]
        identity["identityHash"] = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    elif what == "date":
        # later expiry, still a valid date far in the future: only the signature can catch it
        changed["validUntil"] = "2031-12-31T23:59:59Z"
    else:  # pragma: no cover - test parameter typo
        raise ValueError(what)
    return changed


def js_reasons(result: dict[str, Any]) -> str:
    """One line with the JS verifier's error messages for an assertion message."""
    if not result.get("ok"):
        return f"harness error: {result.get('error')}"
    return "; ".join(result.get("errors", [])) or "(no errors)"


def only_proof(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential's one proof (a proof set of one, as microcred writes it, or an object)."""
    proof = credential["proof"]
    if isinstance(proof, list):
        assert len(proof) == 1, f"expected one proof, got {len(proof)}"
        proof = proof[0]
    assert isinstance(proof, dict)
    return proof
