"""Plain VC 2.0 credentials and presentations agree between microcred and the reference JS
stack: the W3C VC DM 2.0 suite's credential ``-ok`` inputs, signed as the VC-API issuer signs
them (eddsa-rdfc-2022, a did:web issuer), verify in both; a presentation signed with
``sign_presentation`` verifies in JS with its challenge and domain, and not with another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from interop_support import CREATED, NOW, NOW_ISO, did_web_document, js_reasons, require

pytestmark = pytest.mark.interop

SUITE = Path(__file__).resolve().parents[1] / "vectors" / "vc-dm-2.0-suite" / "input"
DID = "did:web:issuer.example.org"
#: inputs whose dates or foreign proof make them not verify anywhere (see the web suite test)
LEFT_OUT = {
    "credential-proof-ok.json",
    "credential-validfrom-far-future-ok.json",
    "credential-validuntil-ok.json",
    "credential-validuntil-ms-ok.json",
    "credential-validuntil-tz-ok.json",
    "credential-validUntil-validFrom-ok.json",  # PAST/FUTURE placeholders
}


def _inputs(*, direction: bool) -> list[tuple[str, dict[str, Any]]]:
    """The -ok inputs, with (``direction``) or without an ``@direction`` language value."""
    found = []
    for path in sorted(
        [*SUITE.glob("credential-*-ok.json"), *SUITE.glob("names-and-descriptions/*-ok.json")]
    ):
        if path.name in LEFT_OUT or ("direction" in path.name) != direction:
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        if "issuer" not in document:
            document["issuer"] = DID
        elif isinstance(document["issuer"], dict) and "id" not in document["issuer"]:
            document["issuer"] = {"id": DID, **document["issuer"]}
        found.append((path.name, document))
    return found


def _check_in_both(js: Any, named: list[tuple[str, dict[str, Any]]]) -> None:
    key_pair_cls = require("microcred.keys", "KeyPair")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    verify_credential = require("microcred.verify", "verify_credential")
    map_resolver = require("microcred.did", "MapResolver")
    key = key_pair_cls.generate_ed25519(controller=DID, id=f"{DID}#key-1")
    dids = {DID: did_web_document(DID, key.public.to_multibase())}
    signed = [sign(document, key, created=CREATED) for _, document in named]
    ours = [verify_credential(c, now=NOW, resolver=map_resolver(dids)) for c in signed]
    response = js.run("verify", [{"credential": c, "now": NOW_ISO} for c in signed], dids=dids)
    for (name, _), report, result in zip(named, ours, response["results"], strict=True):
        assert report.ok, f"{name}: microcred says {report.verdict}"
        assert result["ok"] and result["verified"], f"{name}: JS says {js_reasons(result)}"


def test_suite_ok_credentials_verify_in_both(js: Any) -> None:
    _check_in_both(js, _inputs(direction=False))


def test_suite_ok_credentials_with_direction_verify_in_both(js: Any) -> None:
    _check_in_both(js, _inputs(direction=True))


def test_presentations_we_sign_verify_in_js_with_their_challenge(js: Any) -> None:
    key_pair_cls = require("microcred.keys", "KeyPair")
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    sign_presentation = require("microcred.verification.presentation", "sign_presentation")
    issuer = key_pair_cls.generate_ed25519()
    holder = key_pair_cls.generate_ed25519()
    credential = sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer.controller,
            "credentialSubject": {"id": holder.controller},
        },
        issuer,
        created=CREATED,
    )
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
        "verifiableCredential": [credential],
    }
    signed = sign_presentation(
        presentation, holder, challenge="n-42", domain="verifier.example", created=CREATED
    )
    items = [
        {"presentation": signed, "challenge": "n-42", "domain": "verifier.example", "now": NOW_ISO},
        {"presentation": signed, "challenge": "n-43", "domain": "verifier.example", "now": NOW_ISO},
    ]
    right, wrong = js.run("verifyPresentation", items)["results"]
    assert right["ok"] and right["verified"], js_reasons(right)
    assert wrong["ok"] and wrong["verified"] is False, wrong
    assert "challenge" in js_reasons(wrong).lower(), js_reasons(wrong)


def test_presentations_js_signs_verify_in_microcred(js: Any) -> None:
    sign = require("microcred.suites.eddsa_rdfc_2022", "sign")
    key_pair_cls = require("microcred.keys", "KeyPair")
    verify_presentation = require("microcred.verification.presentation", "verify_presentation")
    verifier_for = require("microcred.verification.presentation", "verifier_for")
    key = js.ok_results("keygen", [{}])[0]["key"]
    holder = key["controller"]
    issuer = key_pair_cls.generate_ed25519()
    credential = sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer.controller,
            "credentialSubject": {"id": holder},
        },
        issuer,
        created=CREATED,
    )
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [credential],
    }
    (signed,) = js.ok_results(
        "signPresentation",
        [
            {
                "presentation": presentation,
                "key": key,
                "challenge": "n-7",
                "domain": "verifier.example",
                "created": CREATED,
            }
        ],
    )
    verify = verifier_for(now=NOW)
    report = verify_presentation(
        signed["presentation"], verify=verify, challenge="n-7", domain="verifier.example"
    )
    assert report.ok, report.checks
    other = verify_presentation(signed["presentation"], verify=verify, challenge="n-8")
    assert [c.name for c in other.checks if c.status == "fail"] == ["challenge"]
