"""What is shown is what is signed (issue 15 item 2, docs/decisions/0018-shown-is-signed.md).

Each trick starts from a credential we sign, applies an edit that the eddsa-rdfc-2022
signature does not see (asserted first: the proof alone still verifies), and must then be
refused as ``malformed`` with the JSON path in the reason.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from microcred.baking import bake_png
from microcred.errors import AmbiguousJSON, InvalidCredential, InvalidJSON
from microcred.strict_json import loads_strict
from microcred.verification.signed_content import signed_content_problems
from microcred.verify import VerificationReport, issue_credential, verify_credential
from signed_content_tricks import (
    DUPLICATE_NAME_PATH,
    KEY,
    NOW,
    OB30,
    SIGNED,
    TRICKS,
    duplicate_name_text,
    legitimate_shapes,
    proof_alone_verifies,
    unsigned,
)


def _malformed(report: VerificationReport, path: str) -> None:
    assert report.verdict == "malformed", report.to_json()
    parse = report.check("parse")
    assert parse is not None and parse.status == "fail" and parse.code == "malformed"
    assert path in parse.reason, parse.reason
    assert report.document is None  # nothing of it is shown
    assert all(c.status == "skip" for c in report.checks[1:])


def test_the_signed_credential_is_valid() -> None:
    report = verify_credential(SIGNED, now=NOW)
    assert report.verdict == "valid", report.to_json()
    assert verify_credential(json.dumps(SIGNED), now=NOW).verdict == "valid"


@pytest.mark.parametrize(("edit", "path"), [t[1:] for t in TRICKS], ids=[t[0] for t in TRICKS])
def test_each_trick_keeps_the_signature_and_is_refused(
    edit: Callable[[dict[str, Any]], None], path: str
) -> None:
    document = copy.deepcopy(SIGNED)
    edit(document)
    assert document != SIGNED
    assert proof_alone_verifies(document), "the trick is real: the signature does not see it"
    _malformed(verify_credential(document, now=NOW), path)
    _malformed(verify_credential(json.dumps(document), now=NOW), path)


def test_duplicate_keys_are_refused_in_text_bytes_and_baked_images() -> None:
    text = duplicate_name_text()
    last_wins = json.loads(text)
    assert last_wins == SIGNED and proof_alone_verifies(last_wins)  # the trick is real
    where = DUPLICATE_NAME_PATH
    with pytest.raises(AmbiguousJSON) as caught:
        loads_strict(text)
    assert caught.value.problems[0].path == where
    _malformed(verify_credential(text, now=NOW), where)
    _malformed(verify_credential(text.encode(), now=NOW), where)
    png = bake_png((OB30 / "simple-json.png").read_bytes(), text)
    report = verify_credential(png, now=NOW)
    _malformed(report, where)
    assert report.container == ""  # refused while reading


def test_duplicate_keys_in_a_jwt_payload_are_refused() -> None:
    unsecured = {k: v for k, v in SIGNED.items() if k != "proof"}
    payload = json.dumps(unsecured).replace('"type": ', '"type": "Nothing", "type": ', 1)
    header = {"alg": "EdDSA", "kid": KEY.id, "typ": "vc+jwt"}

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(payload.encode())}"
    token = f"{signing_input}.{b64(KEY.sign(signing_input.encode()))}"
    _malformed(verify_credential(token, now=NOW), "$.type")


@pytest.mark.parametrize(
    "text",
    ['{"name": "\\ud800"}', '{"\\udfff": 1}', '{"a": ["ok", "\\ud800x"]}'],
)
def test_lone_surrogates_are_refused_and_pairs_accepted(text: str) -> None:
    with pytest.raises(InvalidJSON, match="surrogate"):
        loads_strict(text)
    with pytest.raises(InvalidJSON):
        loads_strict(b'{"name": "\xed\xa0\x80"}')  # the surrogate's bytes are not UTF-8
    assert loads_strict('{"name": "\\ud83d\\ude00"}') == {"name": "\U0001f600"}
    assert verify_credential(text, now=NOW).verdict == "malformed"


def test_legitimate_shapes_are_kept() -> None:
    """Value objects, term-map contexts that are used, and repeated blank nodes (each one is
    its own node in RDF, so each copy is signed) stay acceptable."""
    signed = issue_credential(legitimate_shapes(), KEY, created="2024-01-01T00:00:00Z")
    assert verify_credential(signed, now=NOW).verdict == "valid"
    assert isinstance(signed, dict)
    copy_removed = copy.deepcopy(signed)
    copy_removed["credentialSubject"]["achievement"]["alignment"].pop()
    assert not proof_alone_verifies(copy_removed)  # the second copy is signed too
    redefined = {**signed, "@context": [*signed["@context"], {"name": "https://example.org/#n"}]}
    assert "redefine a pinned term" in str(signed_content_problems(redefined))
    value_object = {"@value": "Lift safely", "@language": "en", "@direction": "ltr"}
    assert signed_content_problems({**signed, "name": value_object}) == []
    assert [p.path for p in signed_content_problems({**signed, "name": {"@value": None}})] == [
        "$.name['@value']"
    ]


@pytest.mark.parametrize(("edit", "path"), [t[1:] for t in TRICKS], ids=[t[0] for t in TRICKS])
def test_the_issuer_refuses_to_sign_them(edit: Callable[[dict[str, Any]], None], path: str) -> None:
    credential = unsigned()
    edit(credential)
    with pytest.raises(InvalidCredential) as caught:
        issue_credential(credential, KEY)
    assert any(path in p.path for p in caught.value.problems), caught.value.problems
