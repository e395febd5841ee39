"""The fast paths added for speed agree with the general algorithms they shortcut."""

from __future__ import annotations

import copy
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.canon import canonicalize_document, rdfc, to_rdf
from microcred.canon._unsecured import canonicalize_with_unsecured
from microcred.canon.jsonld import to_rdf_split
from microcred.errors import LimitExceeded
from microcred.keys import KeyPair, base58btc_decode, base58btc_encode
from microcred.model import check_limits
from microcred.suites import eddsa_rdfc_2022
from microcred.verification.endorsements import _embedded

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from benchmarks.credentials import make_credentials

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KEY = KeyPair.from_ed25519_seed(bytes(range(32)))
CREDENTIALS = make_credentials(40, seed=7, issuer_id=KEY.controller)


def _digit_by_digit(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_B58[remainder])
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + "".join(reversed(digits))


@given(st.binary(max_size=200))
def test_base58btc_encode_matches_digit_by_digit(data: bytes) -> None:
    assert base58btc_encode(data) == _digit_by_digit(data)
    assert base58btc_decode(base58btc_encode(data)) == data


@pytest.mark.parametrize("power", [1, 9, 10, 11, 19, 20, 21, 88])
def test_base58btc_encode_group_edges(power: int) -> None:
    for number in (58**power - 1, 58**power, 58**power + 1):
        data = b"\0\0" + number.to_bytes((number.bit_length() + 7) // 8, "big")
        assert base58btc_encode(data) == _digit_by_digit(data)


def _general(quads: list[Any]) -> str:
    """RDFC-1.0 through the general path (a generator skips the one-pass fast path)."""
    return rdfc.canonicalize(q for q in quads)


def test_rdfc_fast_path_matches_general_on_credentials() -> None:
    for credential in CREDENTIALS:
        quads = to_rdf(credential)
        assert rdfc.canonicalize(quads) == _general(quads)
        shuffled = list(quads)
        random.Random(1).shuffle(shuffled)
        assert rdfc.canonicalize(shuffled) == _general(quads)


_IRIS = st.sampled_from(["<urn:x:1>", "<urn:x:2>", "<https://e.org/p>", "<urn:x:3>"])
_BLANKS = st.sampled_from(["_:a", "_:b", "_:c", "_:d", "_:e"])
_LITERALS = st.sampled_from(['"x"', '"x"@en', '"1"^^<urn:dt>', '"y z"'])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(_IRIS, _BLANKS),
            _IRIS,
            st.one_of(_IRIS, _BLANKS, _LITERALS),
            st.sampled_from(["", "", "", "<urn:g>", "_:g"]),
        ),
        max_size=14,
    )
)
def test_rdfc_fast_path_matches_general_on_random_graphs(quads: list[Any]) -> None:
    assert rdfc.canonicalize(quads) == _general(quads)


def test_rdfc_fast_path_refuses_what_the_general_path_refuses() -> None:
    for bad in ([("", "<urn:p>", "<urn:o>", "")], [("<urn:s>", "<urn:p>", "<urn:o>", None)]):
        with pytest.raises(Exception) as fast:
            rdfc.canonicalize(bad)
        with pytest.raises(Exception) as general:
            _general(bad)
        assert type(fast.value) is type(general.value)


def test_to_rdf_split_gives_the_unsecured_dataset() -> None:
    for credential in CREDENTIALS[:10]:
        signed = eddsa_rdfc_2022.sign(credential, KEY, created="2025-01-01T00:00:00Z")
        full, rest = to_rdf_split(signed, "proof")
        assert rest is not None
        assert rdfc.canonicalize(full) == canonicalize_document(signed)
        assert rdfc.canonicalize(rest) == canonicalize_document(credential)
        text, unsecured = canonicalize_with_unsecured(signed)
        assert (text, unsecured) == (
            canonicalize_document(signed),
            canonicalize_document(credential),
        )
        # the proof in the middle, or twice (a proof set), or with a blank-node id
        moved = {"proof": signed["proof"], **credential}
        assert canonicalize_with_unsecured(moved)[1] == canonicalize_document(credential)
        two = {**credential, "proof": [*signed["proof"], *copy.deepcopy(signed["proof"])]}
        assert canonicalize_with_unsecured(two)[1] == canonicalize_document(credential)


def test_to_rdf_split_without_the_member() -> None:
    credential = CREDENTIALS[0]
    assert canonicalize_with_unsecured(credential) == (canonicalize_document(credential),) * 2


def test_type_memo_gives_the_same_quads_in_any_order() -> None:
    first = [to_rdf(c) for c in CREDENTIALS]
    again = [to_rdf(c) for c in reversed(CREDENTIALS)]
    assert first == list(reversed(again))


def test_verify_credential_shares_canonicalization_and_still_detects_tampering() -> None:
    from microcred.did import MapResolver
    from microcred.verify import verify_credential

    signed = eddsa_rdfc_2022.sign(CREDENTIALS[0], KEY, created="2025-01-01T00:00:00Z")
    now = datetime(2025, 12, 1, tzinfo=UTC)
    plain = {k: v for k, v in signed.items() if k != "credentialStatus"}
    plain = eddsa_rdfc_2022.sign(
        {k: v for k, v in plain.items() if k != "proof"}, KEY, created="2025-01-01T00:00:00Z"
    )
    report = verify_credential(plain, now=now, resolver=MapResolver({}))
    assert [c.status for c in report.checks if c.name == "proof"] == ["pass"]
    tampered = copy.deepcopy(plain)
    tampered["name"] = "something else"
    report = verify_credential(tampered, now=now, resolver=MapResolver({}))
    assert [c.code for c in report.checks if c.name == "proof"] == ["tampered"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


def _general_limits(obj: object, max_depth: int, max_items: int) -> str | None:
    from microcred.model import _fields

    saved = _fields._plain_within_limits
    _fields._plain_within_limits = lambda *args: False  # type: ignore[assignment]
    try:
        check_limits(obj, max_depth=max_depth, max_items=max_items)
    except LimitExceeded as exc:
        return str(exc.problems)
    finally:
        _fields._plain_within_limits = saved  # type: ignore[assignment]
    return None


@settings(max_examples=300, deadline=None)
@given(_JSON, st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=40))
def test_check_limits_fast_path_agrees(obj: object, max_depth: int, max_items: int) -> None:
    try:
        check_limits(obj, max_depth=max_depth, max_items=max_items)
        fast = None
    except LimitExceeded as exc:
        fast = str(exc.problems)
    assert fast == _general_limits(obj, max_depth, max_items)


def test_embedded_paths() -> None:
    doc = {
        "a": [{"endorsement": [{"x": 1}, "jwt"]}, 3],
        "b c": {"verifiableCredential": {"y": 2}},
        "proof": {"endorsement": ["ignored"]},
    }
    assert _embedded(doc) == [
        ("$.a[0].endorsement[0]", {"x": 1}),
        ("$.a[0].endorsement[1]", "jwt"),
        ("$.b c.verifiableCredential[0]", {"y": 2}),
    ]
