"""Text direction (``@direction``): microcred's canonical N-Quads equal jsonld.js's with the
``i18n-datatype`` rdfDirection (what the eddsa cryptosuites use), on both of microcred's
paths: the fast walker and the pyld fallback (forced by an inline context)."""

from __future__ import annotations

import json
from typing import Any

import pytest
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
# A default base direction in a context: jsonld.js leaves plain strings as they are.
CASES["context-default-direction"] = {
    **_credential(description="plain"),
    "@context": [*_CONTEXTS, {"@direction": "rtl"}],
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


def test_invalid_direction_refused_like_js(js: Any) -> None:
    canonicalize = require("microcred.canon", "canonicalize_document")
    invalid_input = require("microcred.errors", "InvalidInput")
    canonicalization_error = require("microcred.errors", "CanonicalizationError")
    document = _credential(description={"@value": "x", "@direction": "up"})
    (result,) = js.results("canonize", [{"document": document}])
    assert not result["ok"]
    with pytest.raises((invalid_input, canonicalization_error)):
        canonicalize(document)
