"""Strict terms, IRIs, limits and errors, on the fast path and on the pyld fallback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.canon import to_rdf
from microcred.canon.jsonld import _escape
from microcred.canon.jsonld_values import canonical_double
from microcred.canon.nquads import escape_literal
from microcred.contexts import ContextRegistry
from microcred.errors import (
    CanonicalizationError,
    InvalidInput,
    LimitExceeded,
    UndefinedTerm,
    UnknownContext,
)

VECTORS = Path(__file__).parents[2] / "vectors" / "ob30-jsonld"
INLINE = {"ex": "https://example.com/ns#"}  # an inline context: forces the pyld fallback


def _credential() -> dict[str, Any]:
    data = json.loads((VECTORS / "realistic-credential.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _fallback(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document["@context"] = [*document["@context"], INLINE]
    return document


@pytest.mark.parametrize("path", ["fast", "fallback"])
def test_undefined_property_names_term_and_path(path: str) -> None:
    document = _credential()
    document["credentialSubject"]["achievement"]["colour"] = "blue"
    if path == "fallback":
        document = _fallback(document)
    with pytest.raises(UndefinedTerm) as info:
        to_rdf(document)
    assert info.value.term == "colour"
    assert info.value.path == "$.credentialSubject.achievement.colour"


@pytest.mark.parametrize("path", ["fast", "fallback"])
def test_undefined_type_names_term_and_path(path: str) -> None:
    document = _credential()
    document["evidence"][0]["type"] = ["Evidence", "Portfolio"]
    if path == "fallback":
        document = _fallback(document)
    with pytest.raises(UndefinedTerm) as info:
        to_rdf(document)
    assert info.value.term == "Portfolio"
    assert info.value.path == "$.evidence[0].type"


def test_term_scoped_to_another_type_is_undefined_here() -> None:
    document = _credential()
    # "achievementType" is defined only inside Achievement's type-scoped context
    document["issuer"]["achievementType"] = "Badge"
    with pytest.raises(UndefinedTerm) as info:
        to_rdf(document)
    assert info.value.path == "$.issuer.achievementType"


def test_undefined_vocab_value_is_refused() -> None:
    document = _credential()
    document["proof"]["proofPurpose"] = "notAPurpose"
    with pytest.raises(UndefinedTerm) as info:
        to_rdf(document)
    assert info.value.path == "$.proof.proofPurpose"


def test_absolute_and_compact_iri_properties_are_allowed() -> None:
    document = _credential()
    document["credentialSubject"]["https://example.com/ns#note"] = "x"
    quads = to_rdf(document, fast_path_only=True)
    assert any(p == "<https://example.com/ns#note>" for _, p, _, _ in quads)


@pytest.mark.parametrize("path", ["fast", "fallback"])
@pytest.mark.parametrize("value", ["relative/id", "has space:x", "urn:a<b"])
def test_relative_or_malformed_id_is_refused(path: str, value: str) -> None:
    document = _credential()
    document["credentialSubject"]["achievement"]["id"] = value
    if path == "fallback":
        document = _fallback(document)
    with pytest.raises(InvalidInput) as info:
        to_rdf(document)
    assert "$.credentialSubject.achievement.id" in str(info.value)


def test_relative_id_coerced_value_is_refused() -> None:
    document = _credential()
    document["issuer"]["url"] = "https://ok.example.com"
    document["evidence"][0]["id"] = "evidence/1"
    with pytest.raises(InvalidInput) as info:
        to_rdf(document)
    assert "$.evidence[0].id" in str(info.value)


def test_bad_language_tag_is_refused() -> None:
    document = _credential()
    document["credentialSubject"]["achievement"]["learningOutcome"] = {"en US": "x"}
    with pytest.raises(InvalidInput):
        to_rdf(document)


def test_non_finite_number_is_refused() -> None:
    document = _credential()
    document["credentialSubject"]["creditsEarned"] = float("nan")
    with pytest.raises(InvalidInput):
        to_rdf(document)


def _nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "VerifiableCredential",
    }
    inner = document
    for _ in range(depth):
        child: dict[str, Any] = {"type": "VerifiableCredential"}
        inner["credentialSubject"] = child
        inner = child
    return document


@pytest.mark.parametrize("path", ["fast", "fallback"])
def test_too_deep_is_refused_with_a_path(path: str) -> None:
    document = _nested(100)
    if path == "fallback":
        document["@context"] = [document["@context"], INLINE]
    with pytest.raises(LimitExceeded) as info:
        to_rdf(document)
    assert "$.credentialSubject.credentialSubject" in str(info.value)
    assert to_rdf(_nested(20))  # a sane depth passes


def test_too_many_values_is_refused() -> None:
    document = _credential()
    document["credentialSubject"]["achievement"]["tag"] = [str(i) for i in range(500)]
    with pytest.raises(LimitExceeded):
        to_rdf(document, max_values=200)
    assert len(to_rdf(document)) > 500


def test_unknown_context_raises_on_both_paths() -> None:
    with pytest.raises(UnknownContext):
        to_rdf({"@context": ["https://www.w3.org/ns/credentials/v2", "https://x.example/ctx"]})
    # nested inside an inline context: only pyld sees it, the cause is kept
    inline = {"@context": [{"Thing": {"@id": "urn:t", "@context": "https://x.example/scoped"}}]}
    inline["type"] = "Thing"
    with pytest.raises(UnknownContext):
        to_rdf(inline)


def test_fast_path_only_refuses_instead_of_falling_back() -> None:
    with pytest.raises(CanonicalizationError):
        to_rdf(_fallback(_credential()), fast_path_only=True)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput):
        to_rdf([1, 2])  # type: ignore[arg-type]


def test_operator_context_is_used() -> None:
    registry = ContextRegistry.shipped()
    registry.add(
        "https://example.com/ctx",
        b'{"@context": {"@protected": true, "shoeSize": {"@id": "https://example.com/shoe",'
        b' "@type": "http://www.w3.org/2001/XMLSchema#integer"}}}',
    )
    document = {"@context": "https://example.com/ctx", "@id": "urn:a", "shoeSize": "42"}
    quads = to_rdf(document, registry=registry, fast_path_only=True)
    assert quads == [
        (
            "<urn:a>",
            "<https://example.com/shoe>",
            '"42"^^<http://www.w3.org/2001/XMLSchema#integer>',
            "",
        )
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(5.3, "5.3E0"), (1e-5, "1.0E-5"), (2.5e21, "2.5E21"), (-0.125, "-1.25E-1"), (1e21, "1.0E21")],
)
def test_canonical_double(value: float, text: str) -> None:
    assert canonical_double(value) == text


@given(st.text())
def test_fast_escape_equals_nquads_escape(text: str) -> None:
    assert _escape(text) == escape_literal(text)
