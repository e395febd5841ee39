"""Key binding, differential against the reference JavaScript stack (decision 0017).

The same forged and genuine credentials go to microcred's ``verify_credential`` and to
``vc.verifyCredential`` with the same documents (the harness's ``dids`` map: DID and https
controller documents). Forgeries are signed for real with an attacker's key, named as the
issuer's (the key in the issuer's URL fragment, or another did:key): both refuse them.
Genuine credentials of each method: both accept them.
"""

from __future__ import annotations

from typing import Any

import pytest
from interop_support import NOW, NOW_ISO, js_reasons, require

from key_forgery import (
    CREATED,
    did_key_forgery,
    did_key_fragment_forgery,
    fragment_forgery,
    unsigned_credential,
)

pytestmark = pytest.mark.interop

ORG = "did:web:microcred.example:o:acme"  # shaped like one of our organisations
NOWHERE = "did:web:nowhere.example"  # publishes nothing
HTTPS = "https://issuer.example/profile"


def _cases() -> tuple[list[tuple[str, dict[str, Any], str]], dict[str, Any]]:
    """[(name, credential, expected "valid"/"forged")] and the documents both sides get."""
    key_pair = require("microcred.keys", "KeyPair")
    controller_document = require("microcred.did", "controller_document")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    genuine = {c: key_pair.generate_ed25519(controller=c) for c in (ORG, HTTPS)}
    dids = {c: controller_document(c, [(k.id, k.public)]) for c, k in genuine.items()}
    did_key = key_pair.generate_ed25519()
    cases = [
        (f"genuine {c}", sign(unsigned_credential(c), k, created=CREATED), "valid")
        for c, k in genuine.items()
    ]
    cases.append(
        ("genuine did:key", sign(unsigned_credential(did_key.controller), did_key), "valid")
    )
    for issuer in (ORG, NOWHERE, HTTPS):
        cases.append((f"fragment forgery {issuer}", fragment_forgery(issuer), "forged"))
    cases.append(("another did:key", did_key_forgery(did_key.controller), "forged"))
    cases.append(("did:key fragment", did_key_fragment_forgery(did_key.controller), "forged"))
    return cases, dids


def test_forgeries_are_refused_and_genuine_credentials_accepted_by_both(js: Any) -> None:
    verify_credential = require("microcred.verify", "verify_credential")
    map_resolver = require("microcred.did", "MapResolver")
    cases, dids = _cases()
    results = js.results(
        "verify", [{"credential": c, "now": NOW_ISO} for _, c, _ in cases], dids=dids
    )
    resolver = map_resolver(dids)
    for (name, credential, expected), result in zip(cases, results, strict=True):
        ours = verify_credential(credential, now=NOW, resolver=resolver)
        js_verified = bool(result.get("ok") and result.get("verified"))
        if expected == "valid":
            assert ours.verdict == "valid", (name, ours.to_json())
            assert js_verified, f"{name}: JS refused a genuine credential: {js_reasons(result)}"
        else:
            assert ours.verdict == "unknown-issuer", (name, ours.to_json())
            assert not js_verified, f"{name}: JS accepted a forgery"
