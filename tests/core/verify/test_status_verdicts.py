"""The status check per the Bitstring Status List REC: one 2-bit ``message`` entry for
revocation and suspension, the status-unknown verdict, the length and range errors, a numeric
index, a list that does not verify or belongs to someone else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.did import MapResolver
from microcred.keys import KeyPair
from microcred.status import (
    MINIMUM_ENTRIES,
    STANDING_SIZE,
    BitstringStatusList,
    Standing,
    standing_entry,
    status_entry,
    status_list_credential,
)
from microcred.suites import eddsa_rdfc_2022
from microcred.verify import issue_credential, verify_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
LIST_URL = "https://status.example/lists/standing/1"
INDEX = 4242


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate_ed25519()  # a did:key: its own issuer, no document needed


def _credential(key: KeyPair, entry: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    if entry is not None:
        data["credentialStatus"] = entry
    signed: dict[str, Any] = issue_credential(data, key, created="2024-01-01T00:00:00Z")
    return signed


def _list(key: KeyPair, bits: BitstringStatusList, *, purpose: str = "message") -> dict[str, Any]:
    unsigned = status_list_credential(
        id=LIST_URL,
        issuer=key.controller,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from="2024-01-01T00:00:00Z",
    )
    signed: dict[str, Any] = eddsa_rdfc_2022.sign(unsigned, key, created="2024-01-01T00:00:00Z")
    return signed


def _standing_list(key: KeyPair, value: int) -> dict[str, Any]:
    bits = BitstringStatusList(MINIMUM_ENTRIES * STANDING_SIZE)
    bits.set_value(INDEX, value, STANDING_SIZE)
    return _list(key, bits)


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        (Standing.VALID, "valid"),
        (Standing.SUSPENDED, "suspended"),
        (Standing.REVOKED, "revoked"),
        (3, "revoked"),
    ],
)
def test_one_message_entry_carries_revocation_and_suspension(
    key: KeyPair, value: int, verdict: str
) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    resolver = MapResolver({LIST_URL: _standing_list(key, value)})
    report = verify_credential(credential, now=NOW, resolver=resolver)
    assert report.verdict == verdict, [c.to_json() for c in report.checks]
    status = report.check("status")
    assert status is not None
    assert f"entry {INDEX} of {LIST_URL} is {hex(value)}" in status.reason
    assert status.status == ("pass" if verdict == "valid" else "fail")
    if verdict == "valid":
        assert "neither revoked nor suspended" in status.reason


def test_a_list_that_cannot_be_retrieved_is_status_unknown_never_valid(key: KeyPair) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    for resolver in (None, MapResolver({})):
        report = verify_credential(credential, now=NOW, resolver=resolver)
        assert report.verdict == "status-unknown" and not report.ok
        status = report.check("status")
        assert status is not None and status.status == "fail"
        assert status.code == "status-unknown" and "STATUS_RETRIEVAL_ERROR" in status.reason
        assert [c.name for c in report.checks if c.status == "fail"] == ["status"]
    relaxed = verify_credential(credential, now=NOW, allow_unknown_status=True)
    assert relaxed.verdict == "valid" and relaxed.ok
    warned = relaxed.check("status")
    assert warned is not None and warned.status == "warn" and warned.code == "status-unknown"


def test_a_known_failure_outranks_an_unknown_status(key: KeyPair) -> None:
    entry = standing_entry(list_credential_url=LIST_URL, index=INDEX)
    credential = _credential(key, entry)
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    assert verify_credential(tampered, now=NOW).verdict == "tampered"
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    data["credentialStatus"] = entry
    data["validUntil"] = "2020-01-01T00:00:00Z"
    expired = issue_credential(data, key, created="2010-01-01T00:00:00Z")
    report = verify_credential(expired, now=NOW)
    assert report.verdict == "expired"
    status = report.check("status")
    assert status is not None and status.code == "status-unknown"


def test_a_numeric_index_is_malformed_even_offline(key: KeyPair) -> None:
    entry = standing_entry(list_credential_url=LIST_URL, index=INDEX)
    entry["statusListIndex"] = INDEX  # a JSON number
    credential = _credential(key, entry)
    for resolver in (None, MapResolver({LIST_URL: _standing_list(key, 0)})):
        report = verify_credential(credential, now=NOW, resolver=resolver)
        assert report.verdict == "malformed"
        status = report.check("status")
        assert status is not None and "statusListIndex" in status.reason


def test_a_short_list_is_a_length_error(key: KeyPair) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    short = BitstringStatusList(MINIMUM_ENTRIES)  # 131,072 bits = 65,536 two-bit entries
    report = verify_credential(
        credential, now=NOW, resolver=MapResolver({LIST_URL: _list(key, short)})
    )
    assert report.verdict == "invalid"
    status = report.check("status")
    assert status is not None and status.status == "fail"
    assert "STATUS_LIST_LENGTH_ERROR" in status.reason


def test_an_index_past_the_end_is_a_range_error(key: KeyPair) -> None:
    entry = standing_entry(list_credential_url=LIST_URL, index=MINIMUM_ENTRIES)
    credential = _credential(key, entry)
    report = verify_credential(
        credential, now=NOW, resolver=MapResolver({LIST_URL: _standing_list(key, 0)})
    )
    assert report.verdict == "invalid"
    status = report.check("status")
    assert status is not None and "RANGE_ERROR" in status.reason


def test_purpose_mismatch_between_entry_and_list_fails(key: KeyPair) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    revocation_list = _list(key, BitstringStatusList(MINIMUM_ENTRIES * 2), purpose="revocation")
    report = verify_credential(
        credential, now=NOW, resolver=MapResolver({LIST_URL: revocation_list})
    )
    assert report.verdict == "invalid"
    status = report.check("status")
    assert status is not None and "purpose mismatch" in status.reason


def test_a_list_whose_proof_fails_is_not_trusted(key: KeyPair) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    listing = _standing_list(key, Standing.REVOKED)
    listing["credentialSubject"]["encodedList"] = BitstringStatusList(
        MINIMUM_ENTRIES * 2
    ).encode()  # all clear, but no longer what was signed
    report = verify_credential(credential, now=NOW, resolver=MapResolver({LIST_URL: listing}))
    assert report.verdict == "invalid"
    status = report.check("status")
    assert status is not None and "STATUS_VERIFICATION_ERROR" in status.reason


def test_a_list_signed_by_someone_else_is_not_trusted(key: KeyPair) -> None:
    credential = _credential(key, standing_entry(list_credential_url=LIST_URL, index=INDEX))
    stranger = KeyPair.generate_ed25519()
    all_clear = _list(stranger, BitstringStatusList(MINIMUM_ENTRIES * 2))
    report = verify_credential(credential, now=NOW, resolver=MapResolver({LIST_URL: all_clear}))
    assert not report.ok and report.verdict != "valid"
    status = report.check("status")
    assert status is not None and status.status == "fail"


def test_one_bit_revocation_entries_still_verify(key: KeyPair) -> None:
    """Credentials issued before decision 0019 carry a 1-bit revocation entry."""
    entry = status_entry(list_credential_url=LIST_URL, index=INDEX, purpose="revocation")
    credential = _credential(key, entry)
    bits = BitstringStatusList()
    clear = _list(key, bits, purpose="revocation")
    assert verify_credential(credential, now=NOW, resolver=MapResolver({LIST_URL: clear})).ok
    bits.set(INDEX)
    revoked = _list(key, bits, purpose="revocation")
    report = verify_credential(credential, now=NOW, resolver=MapResolver({LIST_URL: revoked}))
    assert report.verdict == "revoked"
