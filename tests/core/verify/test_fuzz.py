"""Hostile input: verify_credential always returns a report, never raises, and a mutated
signed credential is never "valid"."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.did import MapResolver
from microcred.verify import CHECK_ORDER, VerificationReport, verify_credential
from ob30_issuers import issuer_documents

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
SIMPLE: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
NOW = datetime(2025, 6, 1, tzinfo=UTC)
#: the fixture issuer's controller document: without it nothing is ever valid (decision 0017)
ISSUERS = MapResolver(issuer_documents([OB30 / "simple.json"]))
VERDICTS = {
    "valid",
    "invalid",
    "revoked",
    "suspended",
    "expired",
    "not-yet-valid",
    "tampered",
    "unknown-issuer",
    "malformed",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


def _sane(report: VerificationReport) -> None:
    assert isinstance(report, VerificationReport)
    assert report.verdict in VERDICTS
    assert report.checks and report.checks[0].name == "parse"
    assert all(c.name in CHECK_ORDER for c in report.checks)
    json.dumps(report.to_json())  # the report itself is always serializable


def _b64(obj: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_the_unmutated_fixture_is_valid() -> None:
    assert verify_credential(SIMPLE, now=NOW, resolver=ISSUERS).ok


@given(json_values)
def test_random_json_objects(value: Any) -> None:
    _sane(verify_credential(json.dumps(value), now=NOW, resolver=ISSUERS))
    if isinstance(value, dict):
        report = verify_credential(value, now=NOW, resolver=ISSUERS)
        _sane(report)
        assert not report.ok


@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    report = verify_credential(data, now=NOW, resolver=ISSUERS)
    _sane(report)
    assert not report.ok


@given(st.binary(max_size=200))
def test_random_bytes_behind_a_png_or_svg_header(tail: bytes) -> None:
    for head in (b"\x89PNG\r\n\x1a\n", b"<svg xmlns='http://www.w3.org/2000/svg'>"):
        report = verify_credential(head + tail, now=NOW, resolver=ISSUERS)
        _sane(report)
        assert report.verdict == "malformed"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


PATHS = [p for p in _paths(SIMPLE) if p[0] != "proof" or p[-1] != "created"]


@settings(max_examples=40)
@given(st.sampled_from(PATHS), json_values)
def test_a_mutated_signed_credential_is_never_valid(path: tuple[Any, ...], value: Any) -> None:
    document = copy.deepcopy(SIMPLE)
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    if target[path[-1]] == value:
        return
    target[path[-1]] = value
    report = verify_credential(document, now=NOW, resolver=ISSUERS)
    _sane(report)
    assert not report.ok, path


@given(st.sampled_from([p for p in PATHS if len(p) > 1 or p[0] != "proof"]))
def test_a_deleted_property_is_never_valid(path: tuple[Any, ...]) -> None:
    document = copy.deepcopy(SIMPLE)
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    report = verify_credential(document, now=NOW, resolver=ISSUERS)
    _sane(report)
    assert not report.ok, path


def test_deep_nesting_is_refused_with_a_reason() -> None:
    for depth in (100, 100_000):
        text = "[" * depth + "]" * depth
        report = verify_credential(text, now=NOW, resolver=ISSUERS)
        _sane(report)
        assert report.verdict == "malformed"
        assert "nested" in report.checks[0].reason
    nested: Any = {}
    for _ in range(200):
        nested = {"a": nested}
    report = verify_credential({**SIMPLE, "x": nested}, now=NOW, resolver=ISSUERS)
    assert report.verdict == "malformed" and "deeper" in report.checks[0].reason


def test_huge_input_is_refused_with_a_reason() -> None:
    report = verify_credential(
        json.dumps({**SIMPLE, "name": "x" * 2_000_000}), now=NOW, resolver=ISSUERS
    )
    _sane(report)
    assert report.verdict == "malformed"
    assert "larger than" in report.checks[0].reason


def test_jwt_with_alg_none_is_refused() -> None:
    token = f"{_b64({'alg': 'none'})}.{_b64(SIMPLE)}."
    report = verify_credential(token, now=NOW, resolver=ISSUERS)
    _sane(report)
    proof = report.check("proof")
    assert proof is not None and proof.status == "fail" and "none" in proof.reason
    assert not report.ok


@given(st.text(alphabet="ABCxyz012-_", min_size=1, max_size=40), json_values)
def test_garbage_jwts(signature: str, header: Any) -> None:
    token = f"{_b64(header)}.{_b64(SIMPLE)}.{signature}"
    report = verify_credential(token, now=NOW, resolver=ISSUERS)
    _sane(report)
    assert not report.ok
