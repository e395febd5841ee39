"""``@direction`` in value objects: the ``i18n-datatype`` rdfDirection, on the fast path and in
the pyld fallback (the jsonld.js comparison is tests/interop/test_interop_direction.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.canon import canonicalize_document, to_rdf
from microcred.canon.jsonld import stats
from microcred.canon.jsonld_fallback import pyld_to_rdf
from microcred.canon.jsonld_values import direction_merge
from microcred.canon.rdfc import canonicalize
from microcred.contexts import default_registry
from microcred.errors import CanonicalizationError, InvalidInput
from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022

I18N = "https://www.w3.org/ns/i18n#"
NAME = "<https://schema.org/name>"
DESCRIPTION = "<https://schema.org/description>"


def _document(**fields: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b7c3f5e-2a41-4a55-8a0e-3f1d2c4b5a69",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
        **fields,
    }


def _objects(quads: list[tuple[str, str, str, str]], predicate: str) -> set[str]:
    return {o for _, p, o, _ in quads if p == predicate}


def _fallback(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return pyld_to_rdf(document, default_registry(), max_depth=64, max_values=10_000)


def test_language_and_direction_make_an_i18n_datatype_on_the_fast_path() -> None:
    document = _document(
        name={"@value": "مرحبا", "@language": "AR", "@direction": "rtl"},
        description=[
            {"@value": "left", "@direction": "ltr"},
            {"@value": "tagged", "@language": "en"},
            "plain",
        ],
    )
    before = dict(stats)
    quads = to_rdf(document)
    assert stats["fast"] == before["fast"] + 1 and stats["fallback"] == before["fallback"]
    assert _objects(quads, NAME) == {f'"مرحبا"^^<{I18N}ar_rtl>'}
    assert _objects(quads, DESCRIPTION) == {f'"left"^^<{I18N}_ltr>', '"tagged"@en', '"plain"'}


def test_fast_path_and_fallback_agree() -> None:
    document = _document(
        name=[
            {"@value": "שלום", "@language": "he-IL", "@direction": "rtl"},
            {"@value": "hello", "@language": "en", "@direction": "ltr"},
        ],
        description={"@value": "x", "@direction": "rtl"},
    )
    assert canonicalize(to_rdf(document, fast_path_only=True)) == canonicalize(_fallback(document))


def test_the_direction_is_in_the_canonical_form() -> None:
    rtl = _document(name={"@value": "abc", "@language": "ar", "@direction": "rtl"})
    ltr = copy.deepcopy(rtl)
    ltr["name"]["@direction"] = "ltr"
    no_direction = copy.deepcopy(rtl)
    del no_direction["name"]["@direction"]
    forms = {canonicalize_document(d) for d in (rtl, ltr, no_direction)}
    assert len(forms) == 3


@pytest.mark.parametrize("direction", ["up", "RTL", "", 1, ["rtl"]])
def test_a_direction_other_than_ltr_or_rtl_is_refused(direction: Any) -> None:
    document = _document(name={"@value": "abc", "@direction": direction})
    with pytest.raises((InvalidInput, CanonicalizationError)):
        canonicalize_document(document)


def test_a_direction_with_a_datatype_is_refused() -> None:
    document = _document(
        name={"@value": "abc", "@direction": "rtl", "@type": "http://example.org/dt"}
    )
    with pytest.raises((InvalidInput, CanonicalizationError)):
        canonicalize_document(document)


def test_changing_the_direction_breaks_an_eddsa_rdfc_signature() -> None:
    key = KeyPair.generate_ed25519()
    document = _document(name={"@value": "abc", "@language": "ar", "@direction": "rtl"})
    signed = eddsa_rdfc_2022.sign(document, key)
    proof = signed["proof"][0]
    assert eddsa_rdfc_2022.verify_proof(signed, proof, key.public).ok
    flipped = copy.deepcopy(signed)
    flipped["name"]["@direction"] = "ltr"
    assert not eddsa_rdfc_2022.verify_proof(flipped, proof, key.public).ok


@pytest.mark.parametrize(
    ("context", "path"),
    [
        ({"@direction": "rtl"}, "$['@context'][1]['@direction']"),
        (
            {"motto": {"@id": "https://example.org/motto", "@direction": "ltr"}},
            "$['@context'][1].motto['@direction']",
        ),
    ],
)
def test_a_base_direction_in_a_context_is_refused(context: dict[str, Any], path: str) -> None:
    document = _document(name="plain")
    document["@context"] = [*document["@context"], context]
    with pytest.raises(InvalidInput) as caught:
        canonicalize_document(document)
    assert caught.value.problems[0].path == path


_TAG = st.from_regex(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,4}){0,2}", fullmatch=True)
_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)


@st.composite
def _directed_value(draw: st.DrawFn) -> dict[str, Any]:
    value: dict[str, Any] = {
        "@value": draw(_TEXT),
        "@direction": draw(st.sampled_from(["ltr", "rtl"])),
    }
    if draw(st.booleans()):
        value["@language"] = draw(_TAG)
    return value


_FIELD = st.one_of(
    _TEXT, _directed_value(), st.lists(st.one_of(_TEXT, _directed_value()), min_size=1, max_size=4)
)


@settings(max_examples=60, deadline=None)
@given(name=_FIELD, description=_FIELD)
def test_fast_path_equals_fallback_on_generated_directed_text(name: Any, description: Any) -> None:
    document = _document(name=name, description=description)
    merged = any(isinstance(v, list) and direction_merge(v) for v in (name, description))
    if merged:
        for convert in (lambda d: to_rdf(d, fast_path_only=True), _fallback):
            with pytest.raises(InvalidInput, match="differ only in @direction"):
                convert(document)
        return
    assert canonicalize(to_rdf(document, fast_path_only=True)) == canonicalize(_fallback(document))


@pytest.mark.parametrize(
    "values",
    [
        ["a", {"@value": "a", "@direction": "ltr"}],
        [{"@value": "a", "@direction": "rtl"}, {"@value": "a", "@direction": "ltr"}],
        [
            {"@value": "a", "@language": "ar"},
            {"@value": "a", "@language": "AR", "@direction": "rtl"},
        ],
    ],
)
def test_values_that_differ_only_in_direction_are_refused(values: list[Any]) -> None:
    """jsonld.js and pyld keep only the first of them: the others would not be signed."""
    for document in (_document(name=values), _with_inline_context(_document(name=values))):
        with pytest.raises(InvalidInput, match="differ only in @direction") as caught:
            canonicalize_document(document)
        assert caught.value.problems[0].path == "$.name"


def test_values_in_different_languages_may_differ_in_direction() -> None:
    values = [
        {"@value": "Paris", "@language": "en"},
        {"@value": "Paris", "@language": "ar", "@direction": "rtl"},
    ]
    quads = to_rdf(_document(name=values), fast_path_only=True)
    assert _objects(quads, NAME) == {'"Paris"@en', f'"Paris"^^<{I18N}ar_rtl>'}


def _with_inline_context(document: dict[str, Any]) -> dict[str, Any]:
    """The same document through the pyld fallback (inline contexts take that path)."""
    return {**document, "@context": [*document["@context"], {"probe": "https://example.org/probe"}]}
