"""Language value objects (VC DM 2.0 §11.1): ``name`` / ``description`` as
``{"@value", "@language", "@direction"}`` objects or arrays of them, in the model; signed and
verified (the OB 3.0 JSON Schema, which wants strings, is reported as its own check)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import InvalidCredential
from microcred.keys import KeyPair
from microcred.model import LangText, parse_credential
from microcred.suites import eddsa_rdfc_2022
from microcred.verify import verify_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
ARABIC = {"@value": "شهادة", "@language": "ar", "@direction": "rtl"}
ENGLISH = {"@value": "Certificate", "@language": "en", "@direction": "ltr"}


def _credential(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data.update(changes)
    return data


def test_value_objects_and_arrays_parse_and_round_trip() -> None:
    data = _credential(name=[ARABIC, ENGLISH], description={"@value": "abc", "@direction": "ltr"})
    data["issuer"]["name"] = {"@value": "جامعة", "@language": "ar", "@direction": "rtl"}
    data["credentialSubject"]["achievement"]["description"] = [ARABIC, "plain"]
    credential = parse_credential(data)
    assert credential.name is not None
    assert credential.name.text() == "Certificate"  # English first when no language is asked
    assert credential.name.text("ar") == "شهادة" and credential.name.direction("ar") == "rtl"
    assert credential.description is not None and credential.description.direction() == "ltr"
    emitted = credential.to_json()
    assert emitted["name"] == [ARABIC, ENGLISH]
    assert emitted["issuer"]["name"] == data["issuer"]["name"]
    assert emitted["credentialSubject"]["achievement"]["description"] == [ARABIC, "plain"]


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"@value": "x", "@direction": "up"}, "$.name['@direction']"),
        ({"@value": "x", "@language": "not a tag"}, "$.name['@language']"),
        ({"@value": 3}, "$.name['@value']"),
        ({"@value": "x", "@type": "http://example.org/t"}, "$.name"),
        ([ARABIC, 5], "$.name[1]"),
        ([], "$.name"),
    ],
)
def test_bad_language_values_are_refused_with_their_path(value: Any, path: str) -> None:
    with pytest.raises(InvalidCredential) as caught:
        parse_credential(_credential(name=value))
    assert path in [p.path for p in caught.value.problems]


def test_plain_strings_and_language_maps_keep_working() -> None:
    assert LangText("hello").text() == "hello" and LangText("hello").direction() is None
    mapped = LangText({"de": "Hallo", "en": "Hello"})
    assert mapped.text() == "Hello" and mapped.text("de") == "Hallo"


def test_a_credential_with_directed_text_verifies_its_signature() -> None:
    key = KeyPair.generate_ed25519()
    data = _credential(name=[ARABIC, ENGLISH])
    data["issuer"]["id"] = key.controller
    signed = eddsa_rdfc_2022.sign(data, key, created="2024-01-01T00:00:00Z")
    report = verify_credential(signed, now=datetime(2025, 6, 1, tzinfo=UTC))
    proof, schema = report.check("proof"), report.check("schema")
    assert proof is not None and proof.status == "pass"
    # OB 3.0's JSON Schema types name as a string: that profile rule is reported on its own
    assert schema is not None and schema.status == "fail" and "$.name" in schema.reason
    flipped = json.loads(json.dumps(signed))
    flipped["name"][0]["@direction"] = "ltr"
    tampered = verify_credential(flipped, now=datetime(2025, 6, 1, tzinfo=UTC)).check("proof")
    assert tampered is not None and tampered.status == "fail"
