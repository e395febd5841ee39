"""Differential: microcred's verifier and the reference JavaScript stack on the same inputs.

Issue 15 items 1 and 2 (decisions 0017, 0018). Every input is built once by the shared
builders (``key_forgery.forgery_cases``, ``signed_content_tricks``) and sent to both verifiers,
the JS side in one batch (``vc.verifyCredential``, eddsa-rdfc-2022, the same controller
documents). Per input:

- a key-binding forgery is refused by both (ours: *unknown-issuer*);
- a signed-content trick is refused by us as *malformed* naming its JSON path; the JS stack's
  answer is pinned in :data:`JS_ACCEPTS`: where it accepts, its signature still matches the
  RDF, and that is exactly where we are stricter (decision 0018: what is shown must be what is
  signed); where it refuses, we assert that it does;
- a genuine credential is accepted by both.

Not here: VC-JWT forgeries (the JS stack verifies Data Integrity proofs only; tests/core/verify/
test_key_binding.py covers them) and status lists (tests/interop/test_interop_status.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from interop_support import js_reasons

from key_forgery import forgery_cases
from microcred.did import MapResolver
from microcred.verify import issue_credential, verify_credential
from signed_content_tricks import (
    CREATED,
    DUPLICATE_NAME_PATH,
    KEY,
    NOW,
    NOW_ISO,
    SIGNED,
    TRICKS,
    duplicate_name_text,
    legitimate_shapes,
    proof_alone_verifies,
    tricked,
)

pytestmark = pytest.mark.interop


class Case:
    """One input: what each verifier is given and what we expect of ours."""

    def __init__(self, name: str, data: Any, expected: str, path: str = "") -> None:
        self.name, self.data, self.expected, self.path = name, data, expected, path

    def js_item(self) -> dict[str, Any]:
        key = "credentialText" if isinstance(self.data, str) else "credential"
        return {key: self.data, "now": NOW_ISO}


def _cases() -> tuple[list[Case], dict[str, Any]]:
    forgeries, documents = forgery_cases()
    cases = [Case(name, credential, expected) for name, credential, expected in forgeries]
    cases.append(Case("genuine signed-content base", SIGNED, "valid"))
    cases.append(
        Case(
            "genuine repeated blank nodes and a term map",
            issue_credential(legitimate_shapes(), KEY, created=CREATED),
            "valid",
        )
    )
    cases += [
        Case(f"trick {name}", tricked(edit), "malformed", path) for name, edit, path in TRICKS
    ]
    cases.append(
        Case("trick duplicate-json-key", duplicate_name_text(), "malformed", DUPLICATE_NAME_PATH)
    )
    return cases, documents


CASES, DOCUMENTS = _cases()

#: the tricks the reference JS stack refuses, with the reason it gives
JS_REFUSES: dict[str, str] = {
    # jsonld.js safe mode: a property that expands to no IRI is an error, not dropped
    "vocab-null-and-undefined-terms": "Safe mode validation error",
    "nested-inline-context": "Safe mode validation error",
    # "id" is the VC context's alias of @id: both in one object
    "id-keyword-copy": "colliding keywords",
}
#: the tricks the reference JS stack accepts: each adds JSON that expands to no RDF (or to RDF
#: already there), so the eddsa-rdfc-2022 signature still matches. Where we are stricter: a
#: reader of the JSON would be shown what the issuer never signed (decision 0018).
JS_ACCEPTS: frozenset[str] = frozenset(
    {
        "vocab-example",  # @vocab makes no new RDF here: every term is already defined
        "nested-pinned-context",  # restates pinned terms: same RDF
        "included",  # an empty @included: no node
        "included-nested",
        "reverse",  # an empty @reverse: no statement
        "type-keyword-empty",  # no type added
        "type-keyword-copy",  # the same types again: RDF keeps each once
        "nest",  # an empty @nest: nothing nested
        "graph",  # an empty @graph beside the node: no statement
        "index",  # @index is not RDF
        "null-value",  # null is dropped
        "duplicate-type",  # RDF is a set
        "duplicate-prerequisite",  # a prerequisite shown twice, signed once
        "duplicate-context",  # the same context twice: same RDF
        "type-spelled-as-iri",  # the term's own IRI: same statement
        "unused-term-map",  # a term nothing uses: no RDF
        "duplicate-json-key",  # JSON.parse keeps the last (signed) name; first-wins shows FAKE
    }
)
#: the JS stack's reasons for refusing a key-binding forgery (one must appear)
JS_FORGERY_REASONS = (
    "verification method not found in DID document",
    "DID not in the harness map",  # the controller publishes nothing: unresolvable
    "Credential issuer must match the verification method controller",
    'not authorized by controller for proof purpose "assertionMethod"',
)


@pytest.fixture(scope="module")
def js_verdicts(js: Any) -> Mapping[str, dict[str, Any]]:
    """The JS stack's result per case name, from one batch call to node."""
    before = len(js.calls)
    results = js.results("verify", [c.js_item() for c in CASES], dids=DOCUMENTS)
    assert js.calls[before:] == ["verify"]  # one node process for every case
    return {case.name: result for case, result in zip(CASES, results, strict=True)}


def _js_accepts(result: dict[str, Any]) -> bool:
    return bool(result.get("ok") and result.get("verified"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_both_verifiers_on_the_same_input(
    case: Case, js_verdicts: Mapping[str, dict[str, Any]]
) -> None:
    ours = verify_credential(case.data, now=NOW, resolver=MapResolver(DOCUMENTS))
    js_result = js_verdicts[case.name]
    if case.expected == "valid":
        assert ours.verdict == "valid", ours.to_json()
        assert _js_accepts(js_result), f"JS refused a genuine credential: {js_reasons(js_result)}"
    elif case.expected == "forged":
        assert ours.verdict == "unknown-issuer", ours.to_json()
        assert not _js_accepts(js_result), "JS accepted a forgery"
        reasons = js_reasons(js_result)
        assert any(r in reasons for r in JS_FORGERY_REASONS), reasons
    else:
        parse = ours.check("parse")
        assert ours.verdict == "malformed" and parse is not None, ours.to_json()
        assert case.path in parse.reason, parse.reason
        document = json.loads(case.data) if isinstance(case.data, str) else case.data
        assert proof_alone_verifies(document), "the trick is real: the signature does not see it"
        name = case.name.removeprefix("trick ")
        if name in JS_ACCEPTS:
            assert _js_accepts(js_result), (
                f"JS now refuses {name}: {js_reasons(js_result)}; update JS_ACCEPTS"
            )
        else:
            assert not _js_accepts(js_result), f"JS accepts {name}: add it to JS_ACCEPTS"
            assert JS_REFUSES[name] in js_reasons(js_result), js_reasons(js_result)


def test_every_trick_has_a_pinned_js_answer() -> None:
    tricks = {name for name, _, _ in TRICKS} | {"duplicate-json-key"}
    assert tricks == JS_ACCEPTS | set(JS_REFUSES)
    assert not JS_ACCEPTS & set(JS_REFUSES)
