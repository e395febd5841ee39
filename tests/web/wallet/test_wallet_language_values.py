"""Wallet import of a credential whose names are VC DM 2.0 language value objects: it is read
(never a 500), the name shown is the first value's text, and the proof check passes."""

from __future__ import annotations

import json
from pathlib import Path

from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022
from microcred_web.wallet import services

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


def test_language_value_objects_are_shown_by_their_text(world):
    key = KeyPair.generate_ed25519()
    data = json.loads((VECTORS / "simple.json").read_text(encoding="utf-8"))
    data.pop("proof")
    data["issuer"]["id"] = key.controller
    data["issuer"]["name"] = {"@value": "جامعة المثال", "@language": "ar", "@direction": "rtl"}
    data["credentialSubject"]["achievement"]["name"] = [
        {"@value": "العمل الجماعي", "@language": "ar", "@direction": "rtl"},
        {"@value": "Teamwork", "@language": "en", "@direction": "ltr"},
    ]
    signed = eddsa_rdfc_2022.sign(data, key, created="2024-01-01T00:00:00Z")
    imported = services.credential_import(
        user=world.people["learner"], data=json.dumps(signed).encode()
    )
    assert imported.name == "العمل الجماعي" and imported.issuer_name == "جامعة المثال"
    proof = next(c for c in imported.checks if c["name"] == "proof")
    assert proof["status"] == "pass"
