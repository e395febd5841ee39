"""(e) Undefined terms: the JS reference (jsonld.js safe mode) rejects a credential with a term its
contexts do not define; microcred refuses to sign it (UndefinedTerm) and its verifier reports it.
pyld, by contrast, silently drops such a property (shown here, as stack-notes describe).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from benchmarks.credentials import make_credential
from interop_support import CREATED, NOW, NOW_ISO, js_reasons, require

pytestmark = pytest.mark.interop


def _with_undefined(credential: dict[str, Any], where: str) -> tuple[dict[str, Any], str]:
    changed = copy.deepcopy(credential)
    if where == "top-level property":
        changed["favoriteColor"] = "teal"
        return changed, "favoriteColor"
    if where == "subject property":
        changed["credentialSubject"]["shoeSize"] = 42
        return changed, "shoeSize"
    if where == "achievement property":
        changed["credentialSubject"]["achievement"]["skillLevel"] = "expert"
        return changed, "skillLevel"
    if where == "type":
        changed["type"] = [*changed["type"], "FancyBadge"]
        return changed, "FancyBadge"
    raise ValueError(where)  # pragma: no cover


PLACES = ["top-level property", "subject property", "achievement property", "type"]


@pytest.mark.parametrize("where", PLACES)
def test_js_safe_mode_rejects_and_microcred_refuses_to_sign(js: Any, where: str) -> None:
    undefined_term = require("microcred.errors", "UndefinedTerm")
    require("microcred.canon", "canonicalize_document")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    key_pair_cls = require("microcred.keys", "KeyPair")
    key = key_pair_cls.generate_ed25519()
    document, term = _with_undefined(make_credential(3, issuer_id=key.controller), where)

    # JS: canonize (safe mode) and sign both refuse it
    canonized, signed = js.results("canonize", [{"document": document}]) + js.results(
        "sign", [{"credential": document, "key": key.to_multikey_json(), "created": CREATED}]
    )
    for result in (canonized, signed):
        assert not result["ok"], f"JS accepted an undefined {where} {term!r}"
        assert result["error"]["name"] == "jsonld.ValidationError", result["error"]
        assert "Safe mode" in result["error"]["message"]
        assert term in str(result["error"].get("details")), result["error"]

    # microcred refuses to sign it and names the term
    with pytest.raises(undefined_term) as caught:
        sign(document, key, created=CREATED)
    assert caught.value.term == term or term in str(caught.value)


@pytest.mark.parametrize("where", PLACES)
def test_signed_then_extended_fails_in_both_verifiers(js: Any, where: str) -> None:
    """A term added after signing: JS fails on safe mode, microcred reports the term."""
    require("microcred.canon", "canonicalize_document")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    verify_credential = require("microcred.verify", "verify_credential")
    key = require("microcred.keys", "KeyPair").generate_ed25519()
    signed = sign(make_credential(4, issuer_id=key.controller, status=False), key, created=CREATED)
    extended, term = _with_undefined(signed, where)

    original, changed = js.results(
        "verify", [{"credential": signed, "now": NOW_ISO}, {"credential": extended, "now": NOW_ISO}]
    )
    assert original["ok"] and original["verified"], js_reasons(original)
    assert changed["ok"] and not changed["verified"]
    assert any("Safe mode" in e for e in changed["errors"]), js_reasons(changed)

    report = verify_credential(extended, now=NOW)
    assert not report.ok
    failed = [c for c in report.checks if c.status == "fail"]
    assert any(term in c.reason for c in failed), [c.to_json() for c in report.checks]


def test_pyld_silently_drops_an_undefined_property() -> None:
    """Why the product must check terms itself: pyld gives the same N-Quads with or without."""
    jsonld = pytest.importorskip("pyld.jsonld")
    loader = require("microcred.contexts", "pyld_document_loader")()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    document = make_credential(5)
    extended, _ = _with_undefined(document, "subject property")
    assert jsonld.normalize(extended, dict(options)) == jsonld.normalize(document, dict(options))
