"""Signed-content tricks (issue 15 item 2, docs/decisions/0018): shared by the core tests and
the differential tests against the reference JavaScript stack.

Each trick starts from :data:`SIGNED` (a did:key credential we sign) and applies an edit that
the eddsa-rdfc-2022 signature does not see; ``path`` is the JSON path our verifier names.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred.keys import KeyPair
from microcred.suites import verify_proof
from microcred.verify import issue_credential

OB30 = Path(__file__).resolve().parent / "vectors" / "ob30"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
NOW_ISO = "2025-06-01T00:00:00Z"
CREATED = "2024-01-01T00:00:00Z"
EU = "https://w3id.org/microcred/contexts/eu-microcredential/v1"
KEY = KeyPair.from_ed25519_seed(bytes(range(32)))  # a did:key issuer: the binding is sound


def unsigned() -> dict[str, Any]:
    """simple.json without its proof, issued by :data:`KEY`, with two prerequisites."""
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = KEY.controller
    data["@context"].append(EU)
    data["credentialSubject"]["achievement"]["prerequisite"] = ["First aid", "Forklift basics"]
    return data


SIGNED: dict[str, Any] = issue_credential(unsigned(), KEY, created=CREATED)  # type: ignore[assignment]


def proof_alone_verifies(document: dict[str, Any]) -> bool:
    """The eddsa-rdfc-2022 proof, checked alone against :data:`KEY`."""
    return verify_proof(document, document["proof"][0], KEY.public).ok


def subject(d: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = d["credentialSubject"]
    return found


def achievement(d: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = subject(d)["achievement"]
    return found


def _vocab_null(d: dict[str, Any]) -> None:
    d["@context"].append({"@vocab": None})
    subject(d)["favouriteColour"] = "green"
    d["type"].append("FakeCredential")


def _nested_inline(d: dict[str, Any]) -> None:
    subject(d)["@context"] = {"@vocab": None}
    subject(d)["favouriteColour"] = "green"


Edit = Callable[[dict[str, Any]], None]

#: (name, edit, the JSON path our verifier names)
TRICKS: list[tuple[str, Edit, str]] = [
    ("vocab-null-and-undefined-terms", _vocab_null, "$['@context'][3]"),
    (
        "vocab-example",
        lambda d: d["@context"].append({"@vocab": "https://example.org/#"}),
        "$['@context'][3]",
    ),
    ("nested-inline-context", _nested_inline, "$.credentialSubject['@context']"),
    (
        "nested-pinned-context",
        lambda d: achievement(d).__setitem__("@context", [EU]),
        "$.credentialSubject.achievement['@context']",
    ),
    ("included", lambda d: d.__setitem__("@included", []), "$['@included']"),
    ("included-nested", lambda d: subject(d).__setitem__("@included", []), "['@included']"),
    ("reverse", lambda d: d.__setitem__("@reverse", {}), "$['@reverse']"),
    ("type-keyword-empty", lambda d: d.__setitem__("@type", []), "$['@type']"),
    ("type-keyword-copy", lambda d: d.__setitem__("@type", list(d["type"])), "$['@type']"),
    ("id-keyword-copy", lambda d: d.__setitem__("@id", d["id"]), "$['@id']"),
    ("nest", lambda d: subject(d).__setitem__("@nest", {}), "$.credentialSubject['@nest']"),
    ("graph", lambda d: d.__setitem__("@graph", []), "$['@graph']"),
    ("index", lambda d: achievement(d).__setitem__("@index", "x"), "achievement['@index']"),
    ("null-value", lambda d: d["issuer"].__setitem__("email", None), "$.issuer.email"),
    ("duplicate-type", lambda d: d["type"].append(d["type"][-1]), "$.type[2]"),
    (
        "duplicate-prerequisite",
        lambda d: achievement(d)["prerequisite"].append("First aid"),
        "$.credentialSubject.achievement.prerequisite[2]",
    ),
    ("duplicate-context", lambda d: d["@context"].append(EU), "$['@context'][3]"),
    (
        "type-spelled-as-iri",
        lambda d: d["type"].append("https://www.w3.org/2018/credentials#VerifiableCredential"),
        "$.type[2]",
    ),
    (
        "unused-term-map",
        lambda d: d["@context"].append({"Unused": "https://example.org/#Unused"}),
        "$['@context'][3].Unused",
    ),
]

DUPLICATE_NAME_PATH = "$.credentialSubject.achievement.name"


def tricked(edit: Edit) -> dict[str, Any]:
    """A copy of :data:`SIGNED` with ``edit`` applied (the proof left as it was)."""
    document = copy.deepcopy(SIGNED)
    edit(document)
    return document


def duplicate_name_text() -> str:
    """:data:`SIGNED` as JSON text with the achievement's name given twice: "FAKE" first, the
    signed name last (a last-wins reader verifies the signed one, a first-wins one shows FAKE)."""
    real = achievement(SIGNED)["name"]
    text = json.dumps(SIGNED)
    needle = f'"name": {json.dumps(real)}'
    assert text.count(needle) == 1
    return text.replace(needle, f'"name": "FAKE", {needle}')


def legitimate_shapes() -> dict[str, Any]:
    """Unsigned: a used term-map context and two equal blank-node alignments (each copy is its
    own node in RDF, so each is signed): shapes that stay acceptable."""
    credential = unsigned()
    credential["@context"].append({"ExampleAlignment": "https://example.org/#ExampleAlignment"})
    alignment = {
        "type": ["Alignment", "ExampleAlignment"],
        "targetName": "A",
        "targetUrl": "https://a.example",
    }
    achievement(credential)["alignment"] = [alignment, copy.deepcopy(alignment)]
    return credential
