"""Text direction (``@direction``): microcred's canonical N-Quads equal jsonld.js's with the
``i18n-datatype`` rdfDirection (what the eddsa cryptosuites use), on both of microcred's
paths: the fast walker and the pyld fallback (forced by an inline context)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from interop_support import require

pytestmark = pytest.mark.interop

_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _credential(**achievement: Any) -> dict[str, Any]:
    return {
        "@context": list(_CONTEXTS),
        "id": "urn:uuid:5a1e0d6c-7f3b-4f8e-9d2a-1c2b3d4e5f60",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "did:example:issuer",
            "type": ["Profile"],
            "name": {"@value": "جامعة المثال", "@language": "ar", "@direction": "rtl"},
        },
        "name": [
            {"@value": "شهادة", "@language": "ar", "@direction": "rtl"},
            {"@value": "Certificate", "@language": "en", "@direction": "ltr"},
        ],
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/a/1",
                "type": ["Achievement"],
                "name": "Direction probe",
                "criteria": {"narrative": "n"},
                **achievement,
            },
        },
    }


CASES: dict[str, dict[str, Any]] = {
    "language-and-direction": _credential(
        description={"@value": "وصف", "@language": "ar", "@direction": "rtl"}
    ),
    "uppercase-language": _credential(
        description={"@value": "وصف", "@language": "AR-EG", "@direction": "rtl"}
    ),
    "direction-only": _credential(description={"@value": "abc", "@direction": "ltr"}),
    "mixed-array": _credential(
        description=[
            {"@value": "plain"},
            {"@value": "tagged", "@language": "fr"},
            {"@value": "directed", "@language": "he", "@direction": "rtl"},
        ]
    ),
}


def _with_inline_context(document: dict[str, Any]) -> dict[str, Any]:
    """The same document through the pyld fallback (the fast path sends inline contexts there)."""
    copy = json.loads(json.dumps(document))
    copy["@context"].append({"probeTerm": {"@id": "https://example.org/probeTerm"}})
    return copy


@pytest.mark.parametrize("name", sorted(CASES))
def test_directed_values_equal_js(js: Any, name: str) -> None:
    canonicalize = require("microcred.canon", "canonicalize_document")
    documents = [CASES[name], _with_inline_context(CASES[name])]
    results = js.ok_results("canonize", [{"document": d} for d in documents])
    for document, result in zip(documents, results, strict=True):
        ours = canonicalize(document)
        assert ours == result["nquads"]
        assert "https://www.w3.org/ns/i18n#" in ours


def test_context_direction_refused_where_pyld_and_js_disagree(js: Any) -> None:
    """jsonld.js leaves plain strings alone under a context's default @direction, pyld gives
    some of them the i18n datatype: microcred refuses the document rather than pick one."""
    canonicalize = require("microcred.canon", "canonicalize_document")
    invalid_input = require("microcred.errors", "InvalidInput")
    document = {**_credential(description="plain"), "@context": [*_CONTEXTS, {"@direction": "rtl"}]}
    (result,) = js.ok_results("canonize", [{"document": document}])
    narrative = [line for line in result["nquads"].splitlines() if "#narrative>" in line]
    assert narrative and all("i18n#" not in line for line in narrative)
    with pytest.raises(invalid_input):
        canonicalize(document)


def test_invalid_direction_refused_like_js(js: Any) -> None:
    canonicalize = require("microcred.canon", "canonicalize_document")
    invalid_input = require("microcred.errors", "InvalidInput")
    canonicalization_error = require("microcred.errors", "CanonicalizationError")
    document = _credential(description={"@value": "x", "@direction": "up"})
    (result,) = js.results("canonize", [{"document": document}])
    assert not result["ok"]
    with pytest.raises((invalid_input, canonicalization_error)):
        canonicalize(document)


def _directed(credential: dict[str, Any]) -> dict[str, Any]:
    credential["credentialSubject"]["achievement"]["description"] = {
        "@value": "وصف الإنجاز",
        "@language": "ar",
        "@direction": "rtl",
    }
    credential["name"] = [
        {"@value": "شهادة", "@language": "ar", "@direction": "rtl"},
        {"@value": "Certificate", "@language": "en", "@direction": "ltr"},
    ]
    return credential


def test_directed_text_signed_by_microcred_verifies_in_js_and_is_signed(js: Any) -> None:
    from benchmarks.credentials import make_credential
    from interop_support import CREATED, NOW_ISO

    key = require("microcred.keys", "KeyPair").generate_ed25519()
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    signed = sign(_directed(make_credential(0, issuer_id=key.controller)), key, created=CREATED)
    flipped = json.loads(json.dumps(signed))
    flipped["name"][0]["@direction"] = "ltr"
    results = js.results("verify", [{"credential": c, "now": NOW_ISO} for c in (signed, flipped)])
    assert results[0]["ok"] and results[0]["verified"], results[0]
    assert not results[1].get("verified")


def test_directed_text_signed_by_js_verifies_in_microcred(js: Any) -> None:
    from benchmarks.credentials import make_credential
    from interop_support import CREATED

    key = js.ok_results("keygen", [{}])[0]["key"]
    item = {
        "credential": _directed(make_credential(1, issuer_id=key["controller"], status=False)),
        "key": key,
        "created": CREATED,
    }
    (result,) = js.ok_results("sign", [item])
    signed = result["credential"]
    public_key = require("microcred.keys", "PublicKey").from_multibase(key["publicKeyMultibase"])
    verify_proof = require("microcred.suites", "verify_proof")
    proof = signed["proof"] if isinstance(signed["proof"], dict) else signed["proof"][0]
    check = verify_proof(signed, proof, public_key)
    assert check.ok, check.reason


_TAG = st.from_regex(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,4}){0,1}", fullmatch=True)
_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=10)
_DIRECTED = st.builds(
    lambda text, direction, tag: (
        {"@value": text, "@direction": direction} | ({"@language": tag} if tag else {})
    ),
    _TEXT,
    st.sampled_from(["ltr", "rtl"]),
    st.one_of(st.none(), _TAG),
)
_FIELD = st.one_of(_TEXT, _DIRECTED, st.lists(st.one_of(_TEXT, _DIRECTED), min_size=1, max_size=3))


@settings(
    max_examples=3,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(fields=st.lists(st.tuples(_FIELD, _FIELD), min_size=12, max_size=12))
def test_generated_directed_text_equals_js_or_is_refused(
    js: Any, fields: list[tuple[Any, Any]]
) -> None:
    """Each generated document: microcred's N-Quads equal jsonld.js's, or microcred refuses
    it because values differ only in @direction (JS would drop some of them)."""
    canonicalize = require("microcred.canon", "canonicalize_document")
    invalid_input = require("microcred.errors", "InvalidInput")
    documents = [_credential(description=d) | {"name": n} for n, d in fields]
    results = js.ok_results("canonize", [{"document": d} for d in documents])
    for document, result in zip(documents, results, strict=True):
        try:
            ours = canonicalize(document)
        except invalid_input as exc:
            assert "differ only in @direction" in str(exc.problems)
            continue
        assert ours == result["nquads"], json.dumps(document, ensure_ascii=True)
