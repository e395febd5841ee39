from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import StatusListError
from microcred.status import (
    DEFAULT_SIZE,
    MAX_DECODED_BYTES,
    MINIMUM_ENTRIES,
    STANDING_SIZE,
    BitstringStatusList,
    Standing,
    allocate_index,
    check_status,
    standing_change,
    standing_entry,
    status_entry,
    status_list_credential,
)
from microcred.status.check import read_entry

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30" / "bit-string-list"
LIST_URL = "https://status.example/lists/1"


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / name).read_text(encoding="utf-8"))
    return data


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_fixture_testlist_has_only_index_23_set() -> None:
    encoded = _fixture("testlist")["credentialSubject"]["encodedList"]
    status_list = BitstringStatusList.decode(encoded)
    assert status_list.size == 131_072
    assert status_list.get(23)
    assert not status_list.get(22) and not status_list.get(24) and not status_list.get(0)
    assert status_list.set_indices() == [23]


@pytest.mark.parametrize(
    "name", ["credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"]
)
def test_fixture_credentials_come_out_revoked(name: str) -> None:
    credential = _fixture(name)
    list_credential = _fixture("testlist")
    status = credential["credentialStatus"]
    [entry] = status if isinstance(status, list) else [status]
    # The list's own id differs from the URL it is published at; that is accepted.
    assert list_credential["id"] != entry["statusListCredential"]
    # The fixtures write the index as a JSON number; the REC wants a string of digits.
    assert entry["statusListIndex"] == 23
    with pytest.raises(StatusListError, match="string of base-10 digits") as refused:
        check_status(entry, list_credential)
    assert refused.value.code == "MALFORMED_VALUE_ERROR"
    check = check_status(dict(entry, statusListIndex="23"), list_credential)
    assert (check.purpose, check.index, check.set) == ("revocation", 23, True)
    assert "revoked" in check.reason


def test_msb_first_bit_order() -> None:
    status_list = BitstringStatusList(16)
    status_list.set(0)
    status_list.set(9)
    assert status_list.to_bytes() == bytes([0b1000_0000, 0b0100_0000])
    status_list.set(0, False)
    assert status_list.to_bytes() == bytes([0, 0b0100_0000])


@given(st.sets(st.integers(min_value=0, max_value=DEFAULT_SIZE - 1), max_size=40))
def test_encode_decode_round_trip(indices: set[int]) -> None:
    status_list = BitstringStatusList()
    for index in indices:
        status_list.set(index)
    encoded = status_list.encode()
    assert encoded.startswith("u") and "=" not in encoded
    decoded = BitstringStatusList.decode(encoded)
    assert decoded == status_list
    assert decoded.set_indices() == sorted(indices)


@given(st.binary(min_size=1, max_size=64))
def test_round_trip_of_arbitrary_bytes(data: bytes) -> None:
    status_list = BitstringStatusList(data=data)
    assert BitstringStatusList.decode(status_list.encode()).to_bytes() == data


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (MAX_DECODED_BYTES + 1), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="GZIP bomb"):
        BitstringStatusList.decode(_u(bomb))


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("H4sIAAAAAAAA", "starting with 'u'"),
        ("u!!!!", "base64url"),
        (_u(b"not gzip at all"), "not GZIP"),
        (_u(gzip.compress(b"\0" * 100, mtime=0)[:-12]), "truncated|corrupt"),
        (_u(gzip.compress(b"", mtime=0)), "empty"),
    ],
)
def test_malformed_lists_are_refused(encoded: str, message: str) -> None:
    with pytest.raises(StatusListError, match=message):
        BitstringStatusList.decode(encoded)


def test_index_bounds_and_types() -> None:
    status_list = BitstringStatusList(8)
    with pytest.raises(StatusListError, match="outside"):
        status_list.get(8)
    with pytest.raises(StatusListError, match="outside"):
        status_list.set(-1)
    with pytest.raises(StatusListError, match="integer"):
        status_list.get(True)
    with pytest.raises(StatusListError, match="multiple of 8"):
        BitstringStatusList(10)


def test_allocate_index_avoids_used_indices() -> None:
    size = 64
    used = set(range(size)) - {37}
    assert allocate_index(used, size=size) == 37
    assert allocate_index(lambda i: i != 5, size=size) == 5
    with pytest.raises(StatusListError, match="full"):
        allocate_index(set(range(size)), size=size)
    picks = {BitstringStatusList().allocate_index(set()) for _ in range(20)}
    assert len(picks) > 1 and all(0 <= p < DEFAULT_SIZE for p in picks)


def test_entry_and_credential_shapes() -> None:
    entry = status_entry(list_credential_url=LIST_URL, index=94567, purpose="revocation")
    assert entry == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    status_list = BitstringStatusList()
    credential = status_list_credential(
        id=LIST_URL,
        issuer="did:example:issuer",
        purpose="revocation",
        encoded_list=status_list.encode(),
        valid_from="2024-01-01T00:00:00Z",
    )
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validFrom"] == "2024-01-01T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["id"] == f"{LIST_URL}#list"
    check = check_status(entry, credential)
    assert not check.set and check.index == 94567 and "not set" in check.reason
    status_list.set(94567)
    credential["credentialSubject"]["encodedList"] = status_list.encode()
    assert check_status(entry, credential).set


def test_check_status_refuses_mismatches() -> None:
    credential = status_list_credential(
        id=LIST_URL,
        issuer="did:example:issuer",
        purpose="suspension",
        encoded_list=BitstringStatusList().encode(),
    )
    revocation = status_entry(list_credential_url=LIST_URL, index=1, purpose="revocation")
    with pytest.raises(StatusListError, match="purpose mismatch"):
        check_status(revocation, credential)
    without_url = {k: v for k, v in revocation.items() if k != "statusListCredential"}
    with pytest.raises(StatusListError, match="statusListCredential"):
        check_status(dict(without_url, statusPurpose="suspension"), credential)
    too_far = status_entry(list_credential_url=LIST_URL, index=DEFAULT_SIZE, purpose="suspension")
    with pytest.raises(StatusListError, match="outside the list"):
        check_status(too_far, credential)
    with pytest.raises(StatusListError, match="digits"):
        check_status(dict(too_far, statusListIndex="-3"), credential)
    with pytest.raises(StatusListError, match="statusPurpose"):
        status_list_credential(id=LIST_URL, issuer="did:x:y", purpose="bogus", encoded_list="u")


# --------------------------------------------------------------------------- REC conformance


def _list_credential(bits: BitstringStatusList, purpose: str = "message") -> dict[str, Any]:
    return status_list_credential(
        id=LIST_URL, issuer="did:example:issuer", purpose=purpose, encoded_list=bits.encode()
    )


def test_a_list_shorter_than_131072_entries_is_a_length_error() -> None:
    short = BitstringStatusList(MINIMUM_ENTRIES - 8)
    entry = status_entry(list_credential_url=LIST_URL, index=3, purpose="revocation")
    with pytest.raises(StatusListError, match="STATUS_LIST_LENGTH_ERROR") as refused:
        check_status(entry, _list_credential(short, "revocation"))
    assert refused.value.code == "STATUS_LIST_LENGTH_ERROR"
    # 131,072 bits hold only 65,536 two-bit entries: too short for a standing entry
    standing = standing_entry(list_credential_url=LIST_URL, index=3)
    with pytest.raises(StatusListError, match="65536 entries of 2 bit"):
        check_status(standing, _list_credential(BitstringStatusList(MINIMUM_ENTRIES)))
    assert not check_status(
        standing, _list_credential(BitstringStatusList(MINIMUM_ENTRIES * STANDING_SIZE))
    ).set


def test_index_outside_the_list_is_a_range_error() -> None:
    bits = BitstringStatusList(MINIMUM_ENTRIES * 2)
    entry = standing_entry(list_credential_url=LIST_URL, index=MINIMUM_ENTRIES)
    with pytest.raises(StatusListError, match="RANGE_ERROR") as refused:
        check_status(entry, _list_credential(bits))
    assert refused.value.code == "RANGE_ERROR"
    last = standing_entry(list_credential_url=LIST_URL, index=MINIMUM_ENTRIES - 1)
    assert check_status(last, _list_credential(bits)).value == 0


@pytest.mark.parametrize("index", [7, 7.0, True, "7.0", " 7", "-7", "0x7", "", None])
def test_a_status_list_index_that_is_not_a_digit_string_is_malformed(index: Any) -> None:
    entry = dict(standing_entry(list_credential_url=LIST_URL, index=7), statusListIndex=index)
    with pytest.raises(StatusListError) as refused:
        read_entry(entry)
    assert refused.value.code == "MALFORMED_VALUE_ERROR"


def test_purpose_mismatch_is_a_verification_error() -> None:
    entry = standing_entry(list_credential_url=LIST_URL, index=1)
    revocation_list = _list_credential(BitstringStatusList(MINIMUM_ENTRIES * 2), "revocation")
    with pytest.raises(StatusListError, match="purpose mismatch") as refused:
        check_status(entry, revocation_list)
    assert refused.value.code == "STATUS_VERIFICATION_ERROR"


def test_standing_entry_reads_two_bits_through_its_messages() -> None:
    entry = standing_entry(list_credential_url=LIST_URL, index=5)
    assert entry["statusPurpose"] == "message" and entry["statusSize"] == 2
    assert entry["statusMessage"] == [
        {"status": "0x0", "message": "valid"},
        {"status": "0x1", "message": "suspended"},
        {"status": "0x2", "message": "revoked"},
        {"status": "0x3", "message": "revoked"},
    ]
    bits = BitstringStatusList(MINIMUM_ENTRIES * 2)
    for value, message in [(0, "valid"), (1, "suspended"), (2, "revoked"), (3, "revoked")]:
        bits.set_value(5, value, 2)
        check = check_status(entry, _list_credential(bits))
        assert (check.value, check.message, check.set) == (value, message, value != 0)
        # the entry's bits are 10 and 11 (MSB first); the neighbours stay 0
        assert bits.set_indices() == [p for p in (10, 11) if value >> (11 - p) & 1]
        assert bits.value(4, 2) == bits.value(6, 2) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"statusSize": 0}, "positive integer"),
        ({"statusSize": "2"}, "positive integer"),
        ({"statusSize": 9}, "not supported"),
        ({"statusMessage": None}, "needs a statusMessage"),
        ({"statusMessage": [{"status": "0x0", "message": "valid"}]}, "array of 4"),
        (
            {"statusMessage": [{"status": "0x0", "message": "m"}] * 4},
            "repeats status",
        ),
        (
            {"statusMessage": [{"status": f"0x{v}", "message": 1} for v in range(4)]},
            "hex status",
        ),
        (
            {"statusMessage": [{"status": str(v), "message": "m"} for v in range(4)]},
            "hex status",
        ),
        ({"id": LIST_URL}, "must not be the status list"),
        ({"statusReference": 7}, "statusReference"),
        ({"statusReference": ["https://ok.example/", "not a url"]}, "statusReference"),
    ],
)
def test_malformed_multi_bit_entries_are_refused(change: dict[str, Any], message: str) -> None:
    entry = {**standing_entry(list_credential_url=LIST_URL, index=1), **change}
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(StatusListError, match=message) as refused:
        read_entry(entry)
    assert refused.value.code == "MALFORMED_VALUE_ERROR"


def test_revocation_is_final_in_a_standing_list() -> None:
    assert standing_change(Standing.VALID, Standing.SUSPENDED) == 1
    assert standing_change(Standing.SUSPENDED, Standing.VALID) == 0
    assert standing_change(Standing.SUSPENDED, Standing.REVOKED) == 2
    assert standing_change(Standing.REVOKED, Standing.VALID) == 2
    assert standing_change(Standing.REVOKED, Standing.SUSPENDED) == 2
    assert standing_change(3, Standing.VALID) == 3


@given(st.dictionaries(st.integers(0, 4095), st.integers(0, 3), max_size=40))
def test_two_bit_values_round_trip(values: dict[int, int]) -> None:
    bits = BitstringStatusList(8192)
    for index, value in values.items():
        bits.set_value(index, value, 2)
    decoded = BitstringStatusList.decode(bits.encode())
    for index in range(0, 4096, 97):
        assert decoded.value(index, 2) == values.get(index, 0)
    for index, value in values.items():
        assert decoded.value(index, 2) == value
    with pytest.raises(StatusListError):
        bits.set_value(1, 4, 2)
    with pytest.raises(StatusListError):
        bits.value(4096, 2)
