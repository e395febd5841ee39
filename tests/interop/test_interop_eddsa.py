"""eddsa-rdfc-2022 credentials cross-verify between microcred and the reference JS stack.

(a) what microcred signs verifies in JS (did:key and did:web issuers);
(b) what JS signs verifies in microcred (``verify_proof`` and the full ``verify_credential``);
(c) a tampered copy (name, subject, date) fails in both.
Plus: the npm context copies the JS side uses are JSON-equal to microcred's pinned files.
"""

from __future__ import annotations

from typing import Any

import pytest
from benchmarks.credentials import make_credential
from interop_support import (
    CREATED,
    NOW,
    NOW_ISO,
    did_web_document,
    js_reasons,
    only_proof,
    require,
    tamper,
)

pytestmark = pytest.mark.interop

BATCH = 6
ISSUER_KINDS = ["did:key", "did:web"]
TAMPERINGS = ["name", "subject", "date"]


def _python_issuer(kind: str, n: int = 0) -> tuple[Any, dict[str, Any]]:
    """(microcred KeyPair, DID documents for the JS loader) for an issuer of ``kind``."""
    key_pair_cls = require("microcred.keys", "KeyPair")
    if kind == "did:key":
        return key_pair_cls.generate_ed25519(), {}
    did = f"did:web:issuer{n}.example.org"
    key = key_pair_cls.generate_ed25519(controller=did, id=f"{did}#key-1")
    return key, {did: did_web_document(did, key.public.to_multibase())}


def _resolver(dids: dict[str, Any]) -> Any:
    """microcred's resolver for the given DID documents (did:key needs none)."""
    map_resolver = require("microcred.did", "MapResolver")
    return map_resolver(dids)


def _our_signed(kind: str, n: int = 0) -> tuple[list[dict[str, Any]], dict[str, Any], Any]:
    require("microcred.canon", "canonicalize_document")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    key, dids = _python_issuer(kind, n)
    signed = [
        sign(make_credential(i, issuer_id=key.controller), key, created=CREATED)
        for i in range(BATCH)
    ]
    return signed, dids, key


def _js_signed(
    js: Any, kind: str, *, status: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """Credentials signed by JS; returns (credentials, DID docs, public key multibase)."""
    if kind == "did:key":
        key = js.ok_results("keygen", [{}])[0]["key"]
        dids: dict[str, Any] = {}
    else:
        did = "did:web:js-issuer.example.org"
        key = js.ok_results("keygen", [{"controller": did}])[0]["key"]
        key["id"] = f"{did}#key-1"
        dids = {did: did_web_document(did, key["publicKeyMultibase"])}
    items = [
        {
            "credential": make_credential(i, issuer_id=key["controller"], status=status),
            "key": key,
            "created": CREATED,
        }
        for i in range(BATCH)
    ]
    signed = [r["credential"] for r in js.ok_results("sign", items, dids=dids)]
    return signed, dids, key["publicKeyMultibase"]


# --------------------------------------------------------------------------- (a)


@pytest.mark.parametrize("kind", ISSUER_KINDS)
def test_credentials_microcred_signs_verify_in_js(js: Any, kind: str) -> None:
    signed, dids, key = _our_signed(kind)
    for credential in signed:
        proof = only_proof(credential)
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["verificationMethod"] == key.id
    response = js.run("verify", [{"credential": c, "now": NOW_ISO} for c in signed], dids=dids)
    for i, result in enumerate(response["results"]):
        assert result["ok"] and result["verified"], f"credential {i}: {js_reasons(result)}"
    # the JS loader served contexts and keys offline only
    assert set(response["contexts"]) >= {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    }


# --------------------------------------------------------------------------- (b)


@pytest.mark.parametrize("kind", ISSUER_KINDS)
def test_credentials_js_signs_verify_in_microcred_proof(js: Any, kind: str) -> None:
    require("microcred.canon", "canonicalize_document")
    verify_proof = require("microcred.suites.eddsa_rdfc_2022", "verify_proof")
    public_key_cls = require("microcred.keys", "PublicKey")
    signed, _, public_multibase = _js_signed(js, kind)
    public_key = public_key_cls.from_multibase(public_multibase)
    for i, credential in enumerate(signed):
        check = verify_proof(credential, only_proof(credential), public_key)
        assert check.ok, f"credential {i}: {check.reason}"


@pytest.mark.parametrize("kind", ISSUER_KINDS)
def test_credentials_js_signs_pass_verify_credential(js: Any, kind: str) -> None:
    verify_credential = require("microcred.verify", "verify_credential")
    # without credentialStatus: status lists are exercised in test_interop_status.py
    signed, dids, _ = _js_signed(js, kind, status=False)
    resolver = _resolver(dids)
    for i, credential in enumerate(signed):
        report = verify_credential(credential, now=NOW, resolver=resolver)
        assert report.ok, f"credential {i}: {report.verdict} {report.checks}"


def test_js_reads_microcred_secret_multikey(js: Any) -> None:
    """Our secretKeyMultibase (0x8026 + 32-byte seed) imports into ed25519-multikey."""
    key_pair_cls = require("microcred.keys", "KeyPair")
    key = key_pair_cls.generate_ed25519()
    credential = make_credential(0, issuer_id=key.controller)
    (result,) = js.ok_results(
        "sign", [{"credential": credential, "key": key.to_multikey_json(), "created": CREATED}]
    )
    assert only_proof(result["credential"])["verificationMethod"] == key.id


def test_microcred_reads_js_secret_multikey(js: Any) -> None:
    """JS exports the 64-byte ``seed || public`` secret; microcred reads it to the same key."""
    key_pair_cls = require("microcred.keys", "KeyPair")
    exported = js.ok_results("keygen", [{}])[0]["key"]
    key = key_pair_cls.from_multikey_json(exported)
    assert key.public.to_multibase() == exported["publicKeyMultibase"]
    assert key.controller == exported["controller"]


# --------------------------------------------------------------------------- (c)


@pytest.mark.parametrize("what", TAMPERINGS)
def test_tampered_copy_fails_in_both(js: Any, what: str) -> None:
    require("microcred.canon", "canonicalize_document")
    verify_proof = require("microcred.suites.eddsa_rdfc_2022", "verify_proof")
    public_key_cls = require("microcred.keys", "PublicKey")
    ours, our_dids, our_key = _our_signed("did:web", n=7)
    theirs, their_dids, their_public = _js_signed(js, "did:key")
    dids = {**our_dids, **their_dids}
    originals = [ours[0], theirs[0]]
    tampered = [tamper(c, what) for c in originals]
    keys = [our_key.public, public_key_cls.from_multibase(their_public)]

    # the originals verify in both, so a failure below is the tampering's doing
    results = js.results(
        "verify", [{"credential": c, "now": NOW_ISO} for c in originals + tampered], dids=dids
    )
    for result in results[:2]:
        assert result["ok"] and result["verified"], js_reasons(result)
    for credential, key in zip(originals, keys, strict=True):
        assert verify_proof(credential, only_proof(credential), key).ok

    for origin, credential, key, result in zip(
        ["microcred-signed", "JS-signed"], tampered, keys, results[2:], strict=True
    ):
        assert result["ok"], js_reasons(result)
        assert not result["verified"], f"JS accepted a {what}-tampered {origin} credential"
        assert any("Invalid signature" in e for e in result["errors"]), js_reasons(result)
        check = verify_proof(credential, only_proof(credential), key)
        assert not check.ok, f"microcred accepted a {what}-tampered {origin} credential"

    verify_credential = _optional("microcred.verify", "verify_credential")
    if verify_credential is not None:
        resolver = _resolver(dids)
        for credential in tampered:
            report = verify_credential(credential, now=NOW, resolver=resolver)
            assert not report.ok


# --------------------------------------------------------------------------- contexts


def test_js_context_copies_equal_microcred_pins(js: Any) -> None:
    if js.contexts_dir is None:
        pytest.skip("src/microcred/contexts/index.json does not exist yet")
    report = js.run("contexts")
    compared = {entry["url"]: entry["jsonEqual"] for entry in report["compared"]}
    for url in (
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/ns/credentials/status/v1",
    ):
        assert url in compared, f"{url}: not shipped by both npm and microcred"
    unequal = [url for url, equal in compared.items() if not equal]
    assert not unequal, f"npm and microcred copies differ: {unequal}"


def test_js_loader_never_fetches(js: Any) -> None:
    document = make_credential(0)
    document["@context"] = [*document["@context"], "https://example.org/not-pinned.jsonld"]
    (result,) = js.results("canonize", [{"document": document}])
    assert not result["ok"]
    assert "offline document loader refuses" in str(result["error"])


# --------------------------------------------------------------------------- helpers


def _optional(module: str, attribute: str) -> Any:
    try:
        return require(module, attribute)
    except pytest.skip.Exception:
        return None
