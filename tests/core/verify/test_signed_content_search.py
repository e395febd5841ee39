"""A bounded Hypothesis search for JSON edits that keep a credential's signature (decision
0018): whenever the eddsa-rdfc-2022 proof still verifies on an edited credential, the verdict
is not "valid" — unless the edit left the JSON unchanged."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from microcred.keys import KeyPair
from microcred.suites import verify_proof
from microcred.verify import issue_credential, verify_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
KEY = KeyPair.from_ed25519_seed(bytes(range(32)))


def _signed() -> dict[str, Any]:
    """simple.json from a did:key issuer, with an EU context prerequisite list, signed."""
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = KEY.controller
    data["@context"].append("https://w3id.org/microcred/contexts/eu-microcredential/v1")
    data["credentialSubject"]["achievement"]["prerequisite"] = ["First aid", "Forklift basics"]
    signed = issue_credential(data, KEY, created="2024-01-01T00:00:00Z")
    assert isinstance(signed, dict)
    return signed


SIGNED = _signed()

JsonPath = tuple[str | int, ...]


def _containers(value: Any, path: JsonPath = ()) -> list[tuple[JsonPath, str]]:
    """Every object and array in ``value`` with its path (the proof value itself excluded)."""
    found: list[tuple[JsonPath, str]] = []
    if isinstance(value, dict):
        found.append((path, "object"))
        for key, item in value.items():
            found.extend(_containers(item, (*path, key)))
    elif isinstance(value, list):
        found.append((path, "array"))
        for index, item in enumerate(value):
            found.extend(_containers(item, (*path, index)))
    return found


CONTAINERS = _containers(SIGNED)
OBJECTS = [p for p, kind in CONTAINERS if kind == "object"]
ARRAYS = [p for p, kind in CONTAINERS if kind == "array"]
KEYS = [
    *("@included", "@reverse", "@graph", "@nest", "@vocab", "@type", "@id", "@set", "@list"),
    *("@index", "@context", "@language", "@value", "@direction", "@none", "@foo", "@"),
    *("favouriteColour", "name", "description", "tag", "prerequisite", "type", "id", ""),
    *("https://schema.org/name", "_:b0", "ob:name"),
]
VALUES: list[Any] = [
    None,
    [],
    {},
    "x",
    ["x"],
    [None],
    [[]],
    {"@value": "x"},
    {"@value": None},
    {"@vocab": None},
    {"@id": "https://example.org/x"},
    "@type",
    "https://www.w3.org/2018/credentials#VerifiableCredential",
    "VerifiableCredential",
    "OpenBadgeCredential",
    ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
]
CONTEXTS: list[Any] = [
    {"@vocab": None},
    {"@vocab": "https://example.org/#"},
    {"favouriteColour": "https://example.org/#favouriteColour"},
    {"name": None},
    {"Fake": {"@id": "https://example.org/#Fake", "@type": "@id"}},
    {"@protected": False},
    "https://www.w3.org/ns/credentials/v2",
]


def _at(document: Any, path: JsonPath) -> Any:
    """The value at ``path``, or None when an earlier edit replaced a step of it."""
    for step in path:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


@st.composite
def edits(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(SIGNED)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "duplicate", "context", "replace", "type"]))
        if kind == "insert":
            target = _at(document, draw(st.sampled_from(OBJECTS)))
            if isinstance(target, dict):
                key = draw(st.sampled_from(KEYS))
                target[key] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif kind == "duplicate":
            target = _at(document, draw(st.sampled_from(ARRAYS)))
            if isinstance(target, list) and target:
                target.append(copy.deepcopy(draw(st.sampled_from(target))))
        elif kind == "context" and isinstance(document.get("@context"), list):
            document["@context"].append(copy.deepcopy(draw(st.sampled_from(CONTEXTS))))
        elif kind == "replace":
            holder = _at(document, draw(st.sampled_from(OBJECTS)))
            if isinstance(holder, dict) and holder:
                key = draw(st.sampled_from(sorted(holder)))
                holder[key] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif kind == "type" and isinstance(document.get("type"), list):
            document["type"].append(draw(st.sampled_from([*VALUES[3:], "FakeCredential"])))
    return document


def _signature_holds(document: dict[str, Any]) -> bool:
    proofs = document.get("proof")
    if not isinstance(proofs, list) or not proofs or not isinstance(proofs[0], dict):
        return False
    try:
        return verify_proof(document, proofs[0], KEY.public).ok
    except Exception:  # a hostile edit may break canonicalization: no signature then
        return False


def _changed_invisibly(document: dict[str, Any]) -> bool:
    return _signature_holds(document) and document != SIGNED


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_an_edit_that_keeps_the_signature_is_refused_or_invisible(document: dict[str, Any]):
    if not _signature_holds(document):
        return  # the signature check refuses it
    report = verify_credential(document, now=NOW)
    assert report.verdict != "valid" or document == SIGNED, json.dumps(document)[:2000]


def test_the_search_reaches_edits_the_signature_does_not_see() -> None:
    """Without the signed-content pass these would verify: the search is not vacuous."""
    found = find(edits(), _changed_invisibly, settings=settings(max_examples=500))
    assert found != SIGNED and _signature_holds(found)
    assert verify_credential(found, now=NOW).verdict == "malformed"


@st.composite
def duplicate_key_texts(draw: st.DrawFn) -> str:
    """The signed JSON with one object given a key twice: first some value, then its own."""
    path = draw(st.sampled_from([p for p in OBJECTS if _at(SIGNED, p)]))
    document = copy.deepcopy(SIGNED)
    target = _at(document, path)
    key = draw(st.sampled_from(sorted(target)))
    marker = "\u0000MARK\u0000"
    target[marker] = None
    text = json.dumps(document)
    decoy = json.dumps(draw(st.sampled_from(VALUES)))
    text = text.replace(f'"{json.dumps(marker)[1:-1]}": null', f'"{key}": {decoy}')
    return text


@settings(max_examples=100, deadline=None)
@given(duplicate_key_texts())
def test_a_key_given_twice_is_always_refused(text: str) -> None:
    report = verify_credential(text, now=NOW)
    assert report.verdict == "malformed", text[:500]
    assert "appears twice" in report.checks[0].reason
