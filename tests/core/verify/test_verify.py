from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.did import MapResolver, controller_document
from microcred.errors import InvalidCredential, SigningError, UndefinedTerm, UnknownContext
from microcred.keys import KeyPair
from microcred.verify import CHECK_ORDER, issue_credential, verify_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
ISSUER = "https://example.com/issuers/876543"


def _unsigned() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    return data


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate_ed25519(controller=ISSUER)


@pytest.fixture(scope="module")
def issuer_docs(key: KeyPair) -> MapResolver:
    """The issuer's controller document, listing ``key`` under assertionMethod."""
    return MapResolver({ISSUER: controller_document(ISSUER, [(key.id, key.public)])})


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issue_then_verify(key: KeyPair, issuer_docs: MapResolver, suite: str) -> None:
    signed = issue_credential(_unsigned(), key, suite=suite, created="2024-01-01T00:00:00Z")
    assert isinstance(signed, dict) and isinstance(signed["proof"], list)
    assert verify_credential(signed, now=NOW).verdict == "unknown-issuer"
    report = verify_credential(signed, now=NOW, resolver=issuer_docs)
    assert report.ok and report.verdict == "valid"
    assert [c.name for c in report.checks] == list(CHECK_ORDER)
    assert report.to_json()["checks"][6]["name"] == "proof"
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    assert verify_credential(tampered, now=NOW, resolver=issuer_docs).verdict == "tampered"
    also_text = verify_credential(json.dumps(signed).encode(), now=NOW, resolver=issuer_docs)
    assert also_text.ok


def test_issue_refuses_undefined_terms_before_signing(key: KeyPair) -> None:
    credential = _unsigned()
    credential["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(UndefinedTerm) as caught:
        issue_credential(credential, key)
    assert caught.value.term == "favouriteColour"


def test_issue_refuses_model_schema_context_and_key_problems(key: KeyPair) -> None:
    credential = _unsigned()
    del credential["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(InvalidCredential) as caught:
        issue_credential(credential, key)
    assert caught.value.problems[0].path == "$.credentialSubject.achievement.criteria"
    credential = _unsigned()
    credential["@context"].append("https://example.org/unknown-context")
    with pytest.raises(UnknownContext):
        issue_credential(credential, key)
    stranger = KeyPair.generate_ed25519(controller="https://elsewhere.example/issuer")
    with pytest.raises(SigningError, match="not the issuer"):
        issue_credential(_unsigned(), stranger)


def test_key_from_a_controller_document_and_binding(key: KeyPair) -> None:
    holder = KeyPair.generate_ed25519(controller=ISSUER)
    vm = f"{ISSUER}#key-1"
    signed = issue_credential(_unsigned(), holder, created="2024-01-01T00:00:00Z")
    signed["proof"][0]["verificationMethod"] = vm
    # the proof now names #key-1: re-sign with that verification method
    keyed = KeyPair(vm, ISSUER, holder.public, holder.secret)
    signed = issue_credential(_unsigned(), keyed, created="2024-01-01T00:00:00Z")
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": holder.public.to_multibase(),
            }
        ],
        "assertionMethod": [vm],
    }
    report = verify_credential(signed, now=NOW, resolver=MapResolver({ISSUER: document}))
    assert report.ok, report.to_json()
    offline = verify_credential(signed, now=NOW)
    assert offline.verdict == "unknown-issuer"
    proof = offline.check("proof")
    assert proof is not None and "cannot be resolved" in proof.reason


def test_retired_keys(key: KeyPair, issuer_docs: MapResolver) -> None:
    signed = issue_credential(_unsigned(), key, created="2024-01-01T00:00:00Z")
    before = verify_credential(
        signed,
        now=NOW,
        resolver=issuer_docs,
        retired_keys={key.id: datetime(2024, 6, 1, tzinfo=UTC)},
    )
    assert before.ok
    after = verify_credential(
        signed,
        now=NOW,
        resolver=issuer_docs,
        retired_keys={key.id: datetime(2023, 1, 1, tzinfo=UTC)},
    )
    assert after.verdict == "unknown-issuer"
    assert not verify_credential(signed, now=NOW, resolver=issuer_docs, retired_keys=[key.id]).ok


def test_dates_against_now(key: KeyPair, issuer_docs: MapResolver) -> None:
    credential = _unsigned()
    credential["validUntil"] = "2026-01-01T00:00:00Z"
    signed = issue_credential(credential, key)
    assert verify_credential(signed, now=NOW, resolver=issuer_docs).ok
    later = datetime(2027, 1, 1, tzinfo=UTC)
    assert verify_credential(signed, now=later, resolver=issuer_docs).verdict == "expired"
    early = verify_credential(signed, now=datetime(2009, 1, 1, tzinfo=UTC), resolver=issuer_docs)
    assert early.verdict == "not-yet-valid"


def test_vc_jwt_round_trip(key: KeyPair, issuer_docs: MapResolver) -> None:
    token = issue_credential(_unsigned(), key, suite="vc-jwt")
    assert isinstance(token, str)
    report = verify_credential(token, now=NOW, resolver=issuer_docs)
    assert report.container == "jwt"
    assert report.ok, report.to_json()
    assert verify_credential(token, now=NOW).verdict == "unknown-issuer"
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    assert verify_credential(forged, now=NOW, resolver=issuer_docs).verdict == "tampered"
