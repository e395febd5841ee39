"""(f) Bitstring Status List: a credential whose list has its bit set is reported revoked by
microcred's ``verify_credential``.

The JS reference (``@digitalbazaar/vc`` ``verifyCredential``) checks status only through a
``checkStatus`` function the caller supplies; the harness supplies one that checks nothing, as
an application that only verifies signatures would. So JS says ``verified: true`` for the
revoked credential: signature verification alone does not catch revocation (stack-notes,
"Status is not checked by signature verification").
"""

from __future__ import annotations

from typing import Any

import pytest
from benchmarks.credentials import make_credential
from interop_support import CREATED, NOW, NOW_ISO, did_web_document, js_reasons, require

pytestmark = pytest.mark.interop

ISSUER = "did:web:status-issuer.example.org"
LIST_URL = "https://status-issuer.example.org/status/revocation/1"
REVOKED_INDEX = 4242
ACTIVE_INDEX = 4243


def _setup(js: Any, signer: str) -> dict[str, Any]:
    """Issuer key + DID doc, a signed status list with REVOKED_INDEX set, two credentials."""
    require("microcred.canon", "canonicalize_document")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    status = require("microcred.status")
    key = require("microcred.keys", "KeyPair").generate_ed25519(
        controller=ISSUER, id=f"{ISSUER}#key-1"
    )
    did_document = did_web_document(ISSUER, key.public.to_multibase())

    bits = status.BitstringStatusList()
    bits.set(REVOKED_INDEX)
    status_list = status.status_list_credential(
        id=LIST_URL,
        issuer=ISSUER,
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from="2025-01-01T00:00:00Z",
    )
    unsigned = []
    for number, index in enumerate((REVOKED_INDEX, ACTIVE_INDEX)):
        credential = make_credential(10 + number, issuer_id=ISSUER)
        credential["credentialStatus"] = status.status_entry(
            list_credential_url=LIST_URL, index=index, purpose="revocation"
        )
        unsigned.append(credential)

    if signer == "microcred":
        signed_list = sign(status_list, key, created=CREATED)
        credentials = [sign(c, key, created=CREATED) for c in unsigned]
    else:
        multikey = key.to_multikey_json()
        items = [
            {"credential": c, "key": multikey, "created": CREATED} for c in [status_list, *unsigned]
        ]
        signed = [r["credential"] for r in js.ok_results("sign", items)]
        signed_list, credentials = signed[0], signed[1:]
    return {
        "dids": {ISSUER: did_document},
        "list": signed_list,
        "revoked": credentials[0],
        "active": credentials[1],
    }


@pytest.mark.parametrize("signer", ["microcred", "JS"])
def test_revoked_bit_is_reported_by_microcred_not_by_js_signature_check(
    js: Any, signer: str
) -> None:
    verify_credential = require("microcred.verify", "verify_credential")
    map_resolver = require("microcred.did", "MapResolver")
    world = _setup(js, signer)

    # JS: all three verify (signature + dates); the status bit is not looked at
    results = js.results(
        "verify",
        [{"credential": world[k], "now": NOW_ISO} for k in ("list", "revoked", "active")],
        dids=world["dids"],
    )
    for name, result in zip(("list", "revoked", "active"), results, strict=True):
        assert result["ok"] and result["verified"], f"JS {name}: {js_reasons(result)}"
        assert result["statusChecked"] is False

    resolver = map_resolver({**world["dids"], LIST_URL: world["list"]})
    revoked = verify_credential(world["revoked"], now=NOW, resolver=resolver)
    assert not revoked.ok
    assert revoked.verdict == "revoked", [c.to_json() for c in revoked.checks]
    status_check = revoked.check("status")
    assert status_check is not None and status_check.status == "fail"
    assert str(REVOKED_INDEX) in status_check.reason
    # the signature itself is fine: only status fails
    assert [c.name for c in revoked.checks if c.status == "fail"] == ["status"]

    active = verify_credential(world["active"], now=NOW, resolver=resolver)
    assert active.ok, [c.to_json() for c in active.checks]
    active_status = active.check("status")
    assert active_status is not None and active_status.status == "pass"


# --------------------------------------------------------------------------- decision 0019

STANDING_URL = "https://status-issuer.example.org/status/message/1"
STANDING_INDEX = 777


def _standing_world(js: Any) -> dict[str, Any]:
    """A credential with one 2-bit message entry (as the web app issues) and a signer for the
    list in each state."""
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    status = require("microcred.status")
    key = require("microcred.keys", "KeyPair").generate_ed25519(
        controller=ISSUER, id=f"{ISSUER}#key-1"
    )
    credential = make_credential(30, issuer_id=ISSUER)
    credential["credentialStatus"] = status.standing_entry(
        list_credential_url=STANDING_URL, index=STANDING_INDEX
    )

    def listing(value: int, *, entries: int = status.MINIMUM_ENTRIES) -> dict[str, Any]:
        bits = status.BitstringStatusList(entries * status.STANDING_SIZE)
        bits.set_value(STANDING_INDEX, value, status.STANDING_SIZE)
        unsigned = status.status_list_credential(
            id=STANDING_URL,
            issuer=ISSUER,
            purpose="message",
            encoded_list=bits.encode(),
            valid_from="2025-01-01T00:00:00Z",
        )
        signed: dict[str, Any] = sign(unsigned, key, created=CREATED)
        return signed

    return {
        "dids": {ISSUER: did_web_document(ISSUER, key.public.to_multibase())},
        "credential": sign(credential, key, created=CREATED),
        "listing": listing,
    }


def test_js_reads_our_message_list_and_agrees_with_microcred(js: Any) -> None:
    """valid → suspended → reinstated → revoked: the reference stack's checkStatus accepts our
    list (proof, issuer, purpose) and the REC reading of its entry gives the same status as
    microcred's verdict."""
    verify_credential = require("microcred.verify", "verify_credential")
    map_resolver = require("microcred.did", "MapResolver")
    world = _standing_world(js)
    states = [("valid", 0), ("suspended", 1), ("reinstated", 0), ("revoked", 2)]
    lists = [world["listing"](value) for _name, value in states]
    results = js.results(
        "status",
        [{"credential": world["credential"], "documents": {STANDING_URL: doc}} for doc in lists],
        dids=world["dids"],
    )
    for (name, value), listing, result in zip(states, lists, results, strict=True):
        assert result["ok"] and result["checked"], f"JS {name}: {js_reasons(result)}"
        [entry] = result["entries"]
        expected = {"valid": "valid", "reinstated": "valid"}.get(name, name)
        assert (entry["purpose"], entry["statusSize"], entry["index"]) == (
            "message",
            2,
            STANDING_INDEX,
        )
        assert (entry["value"], entry["message"], entry["valid"]) == (value, expected, value == 0)
        # the library alone reads one bit at statusListIndex, not statusSize bits at
        # statusListIndex * statusSize (so it cannot tell suspended from revoked by itself)
        bits = require("microcred.status", "BitstringStatusList").decode(
            listing["credentialSubject"]["encodedList"]
        )
        assert entry["libraryBit"] is bits.get(STANDING_INDEX)
        resolver = map_resolver({**world["dids"], STANDING_URL: listing})
        report = verify_credential(world["credential"], now=NOW, resolver=resolver)
        assert report.verdict == expected, [c.to_json() for c in report.checks]


def test_js_and_microcred_refuse_a_short_message_list(js: Any) -> None:
    verify_credential = require("microcred.verify", "verify_credential")
    map_resolver = require("microcred.did", "MapResolver")
    world = _standing_world(js)
    short = world["listing"](0, entries=65_536)  # 131,072 bits: 65,536 two-bit entries
    [result] = js.results(
        "status",
        [{"credential": world["credential"], "documents": {STANDING_URL: short}}],
        dids=world["dids"],
    )
    assert not result["ok"] and result["error"]["name"] == "STATUS_LIST_LENGTH_ERROR", result
    resolver = map_resolver({**world["dids"], STANDING_URL: short})
    report = verify_credential(world["credential"], now=NOW, resolver=resolver)
    status_check = report.check("status")
    assert report.verdict == "invalid" and status_check is not None
    assert "STATUS_LIST_LENGTH_ERROR" in status_check.reason


def test_js_reads_one_bit_revocation_entries_like_microcred(js: Any) -> None:
    """Credentials issued before decision 0019 (a one-bit revocation entry): the library's
    checkStatus and the REC reading agree with microcred's verdicts."""
    world = _setup(js, "microcred")
    results = js.results(
        "status",
        [
            {"credential": world[name], "documents": {LIST_URL: world["list"]}}
            for name in ("revoked", "active")
        ],
        dids=world["dids"],
    )
    for name, result in zip(("revoked", "active"), results, strict=True):
        assert result["ok"] and result["checked"], f"JS {name}: {js_reasons(result)}"
        [entry] = result["entries"]
        assert entry["purpose"] == "revocation" and entry["statusSize"] == 1
        assert entry["libraryBit"] is (name == "revoked")
        assert entry["value"] == (1 if name == "revoked" else 0)
