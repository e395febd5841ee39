"""The proof check on the forms VC Data Integrity 1.0 allows: one proof as an object, proof
``expires``, proof sets and proof chains (``previousProof``), through verify_credential."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.keys import KeyPair
from microcred.suites import eddsa_jcs_2022, eddsa_rdfc_2022
from microcred.verify import verify_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
CREATED = "2024-01-01T00:00:00Z"
FIRST = "urn:uuid:7d1c9a4e-3b2f-4c51-9e8d-0a1b2c3d4e5f"
SECOND = "urn:uuid:8e2dab5f-4c3a-4d62-8f9e-1b2c3d4e5f60"


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate_ed25519()  # its own did:key: the issuer below


def _unsigned(key: KeyPair) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    return data


def _proof_check(document: dict[str, Any]) -> tuple[str, Any]:
    report = verify_credential(document, now=NOW)
    check = report.check("proof")
    assert check is not None
    return report.verdict, check


@pytest.mark.parametrize("suite", [eddsa_rdfc_2022, eddsa_jcs_2022])
def test_a_single_proof_as_an_object_verifies(key: KeyPair, suite: Any) -> None:
    signed = suite.sign(_unsigned(key), key, created=CREATED)
    signed["proof"] = signed["proof"][0]
    verdict, check = _proof_check(signed)
    assert verdict == "valid" and check.status == "pass"
    signed["name"] = "changed"
    assert _proof_check(signed)[0] == "tampered"


def test_a_proof_past_its_expires_time_fails_the_proof_check(key: KeyPair) -> None:
    signed = eddsa_rdfc_2022.sign(
        _unsigned(key), key, created=CREATED, expires="2025-01-01T00:00:00Z"
    )
    assert signed["proof"][0]["expires"] == "2025-01-01T00:00:00Z"
    verdict, check = _proof_check(signed)
    assert verdict != "valid" and check.status == "fail"
    assert check.code == "proof-expired" and "expired on 2025-01-01T00:00:00Z" in check.reason


def test_a_proof_before_its_expires_time_verifies_and_expires_is_signed(key: KeyPair) -> None:
    signed = eddsa_rdfc_2022.sign(
        _unsigned(key), key, created=CREATED, expires="2026-01-01T00:00:00Z"
    )
    assert _proof_check(signed)[0] == "valid"
    moved = copy.deepcopy(signed)
    moved["proof"][0]["expires"] = "2027-01-01T00:00:00Z"
    assert _proof_check(moved)[0] == "tampered"


def test_an_expires_that_is_not_a_date_is_refused(key: KeyPair) -> None:
    signed = eddsa_rdfc_2022.sign(_unsigned(key), key, created=CREATED)
    signed["proof"][0]["expires"] = "next year"
    verdict, check = _proof_check(signed)
    assert verdict != "valid" and "expires" in check.reason


def _chain(key: KeyPair) -> dict[str, Any]:
    first = eddsa_rdfc_2022.sign(_unsigned(key), key, created=CREATED, proof_id=FIRST)
    return eddsa_rdfc_2022.sign(
        first, key, created="2024-02-01T00:00:00Z", proof_id=SECOND, previous_proof=FIRST
    )


def test_a_proof_chain_verifies(key: KeyPair) -> None:
    chained = _chain(key)
    assert chained["proof"][1]["previousProof"] == FIRST
    verdict, check = _proof_check(chained)
    assert verdict == "valid" and check.status == "pass" and "proof 2 of 2" in check.reason


def test_a_proof_chain_fails_when_the_previous_proof_is_removed(key: KeyPair) -> None:
    chained = _chain(key)
    chained["proof"] = [chained["proof"][1]]
    verdict, check = _proof_check(chained)
    assert verdict != "valid" and FIRST in check.reason and "not in the document" in check.reason


def test_a_proof_chain_fails_when_the_previous_proof_is_replaced(key: KeyPair) -> None:
    chained = _chain(key)
    other = eddsa_rdfc_2022.sign(
        _unsigned(key), key, created="2024-03-01T00:00:00Z", proof_id=FIRST
    )
    chained["proof"][0] = other["proof"][0]  # still a valid proof of the document, but new
    verdict, check = _proof_check(chained)
    assert verdict == "tampered" and check.status == "fail"


def test_every_proof_of_a_set_must_verify(key: KeyPair) -> None:
    signed = eddsa_rdfc_2022.sign(_unsigned(key), key, created=CREATED)
    signed = eddsa_jcs_2022.sign(signed, key, created=CREATED)
    assert len(signed["proof"]) == 2 and _proof_check(signed)[0] == "valid"
    broken = copy.deepcopy(signed)
    broken["proof"][1]["created"] = "2024-01-02T00:00:00Z"
    verdict, check = _proof_check(broken)
    assert verdict == "tampered" and "proof 2 of 2" in check.reason


@pytest.mark.parametrize(
    ("first_suite", "second_suite"),
    [
        (eddsa_jcs_2022, eddsa_jcs_2022),
        (eddsa_rdfc_2022, eddsa_jcs_2022),
        (eddsa_jcs_2022, eddsa_rdfc_2022),
    ],
)
def test_chains_across_cryptosuites(key: KeyPair, first_suite: Any, second_suite: Any) -> None:
    first = first_suite.sign(_unsigned(key), key, created=CREATED, proof_id=FIRST)
    chained = second_suite.sign(
        first, key, created=CREATED, proof_id=SECOND, previous_proof=[FIRST]
    )
    assert _proof_check(chained)[0] == "valid"
    # another valid first proof: it verifies on its own, the chained proof no longer does
    other = first_suite.sign(_unsigned(key), key, created="2024-03-01T00:00:00Z", proof_id=FIRST)
    chained["proof"][0] = other["proof"][0]
    verdict, check = _proof_check(chained)
    assert verdict == "tampered"
    first_reason, second_reason = check.reason.split("; ")
    assert "signature is valid" in first_reason and "does not match" in second_reason
