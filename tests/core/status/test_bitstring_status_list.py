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
    BitstringStatusList,
    allocate_index,
    check_status,
    status_entry,
    status_list_credential,
)

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
    check = check_status(entry, list_credential)
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
