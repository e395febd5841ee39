"""Proof options microcred writes (``id``, ``expires``) are signed the way the reference JS
stack reads them: its verifier accepts the proof and refuses a copy with ``expires`` moved.

(jsonld-signatures / data-integrity 2.5.0 only check the form of ``expires``, not whether it
has passed, and do not implement ``previousProof`` chains: those are checked against the W3C
vc-di-eddsa vectors in tests/core/suites/test_vc_di_eddsa_vectors.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from benchmarks.credentials import make_credential
from interop_support import CREATED, NOW_ISO, js_reasons, require

pytestmark = pytest.mark.interop


def test_a_proof_with_id_and_expires_verifies_in_js(js: Any) -> None:
    key = require("microcred.keys", "KeyPair").generate_ed25519()
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    signed = sign(
        make_credential(0, issuer_id=key.controller),
        key,
        created=CREATED,
        expires="2030-01-01T00:00:00Z",
        proof_id="urn:uuid:0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f",
    )
    moved = json.loads(json.dumps(signed))
    moved["proof"][0]["expires"] = "2031-01-01T00:00:00Z"
    results = js.results("verify", [{"credential": c, "now": NOW_ISO} for c in (signed, moved)])
    assert results[0]["ok"] and results[0]["verified"], js_reasons(results[0])
    assert not results[1].get("verified")
