"""Plain VC 2.0 credentials verify on their own terms; the Open Badges profile is a layer of
its own (check ``profile``); presentations are signed and verified by the core."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.did import MapResolver
from microcred.keys import KeyPair
from microcred.suites import eddsa_rdfc_2022
from microcred.verification.presentation import (
    sign_presentation,
    verifier_for,
    verify_presentation,
)
from microcred.verification.vcdm import credential_problems, presentation_problems
from microcred.verify import verify_credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


@pytest.fixture(scope="module")
def issuer() -> KeyPair:
    return KeyPair.generate_ed25519()


def plain(issuer: KeyPair) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": [{"id": "did:example:a", "alumniOf": "Example University"}],
        "termsOfUse": [{"type": "ExamplePolicy"}],
    }


def test_a_plain_vc_verifies_without_the_open_badges_profile(issuer):
    signed = eddsa_rdfc_2022.sign(plain(issuer), issuer, created="2026-01-01T00:00:00Z")
    report = verify_credential(signed, now=NOW)
    assert report.ok, report.to_json()
    profile = report.check("profile")
    assert profile is not None and profile.status == "skip"
    assert profile.code == "profile-not-applied"
    assert report.check("structure").reason == "a well-formed VC 2.0 credential"  # type: ignore[union-attr]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"][0]["alumniOf"] = "Elsewhere"
    assert verify_credential(tampered, now=NOW).verdict == "tampered"


def test_a_plain_vc_breaking_the_data_model_fails_structure(issuer):
    document = plain(issuer)
    document["validUntil"] = "2025-01-01T00:00:00Z"  # before validFrom
    signed = eddsa_rdfc_2022.sign(document, issuer, created="2026-01-01T00:00:00Z")
    report = verify_credential(signed, now=NOW)
    structure = report.check("structure")
    assert structure is not None and structure.status == "fail"
    assert "$.validUntil: is before validFrom" in structure.reason


def test_an_open_badge_reports_the_profile_layer():
    fixture = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
    report = verify_credential(fixture, now=NOW)
    profile = report.check("profile")
    assert profile is not None and profile.status == "pass"
    wrong = copy.deepcopy(fixture)
    wrong["type"] = ["VerifiableCredential", "OtherCredential"]  # still the OB context
    report = verify_credential(wrong, now=NOW)
    failed = report.check("profile")
    assert failed is not None and failed.status == "fail" and "types" in failed.reason


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"@context": [EXAMPLES, V2]}, "$['@context'][0]"),
        ({"@context": [V2, {"@vocab": None}]}, "$['@context'][1]['@vocab']"),
        ({"@context": [V2, {"X": "https ://bad"}]}, "$['@context'][1]['X']"),
        ({"id": ["urn:a", "urn:b"]}, "$.id"),
        ({"issuer": "not-a-url"}, "$.issuer"),
        ({"credentialSubject": [{"id": "did:example:a"}, {}]}, "$.credentialSubject[1]"),
        ({"validFrom": "2026-01-01T00:00:00"}, "$.validFrom"),
        ({"name": {"@value": "x", "url": "y"}}, "$.name"),
        ({"name": [{"@value": "x", "@direction": "down"}]}, "$.name[0]['@direction']"),
        ({"credentialStatus": {"id": "urn:s"}}, "$.credentialStatus.type"),
        ({"refreshService": [{"id": "urn:r"}]}, "$.refreshService[0].type"),
        ({"evidence": []}, "$.evidence"),
        ({"proof": {"proofValue": "z"}}, "$.proof.type"),
    ],
)
def test_data_model_rules_name_the_path(issuer, change, path):
    problems = credential_problems({**plain(issuer), **change})
    assert path in [p.path for p in problems], problems


def test_presentation_rules():
    assert presentation_problems({"@context": [V2], "type": "VerifiablePresentation"}) == []
    problems = presentation_problems(
        {"@context": [V2], "type": ["VerifiablePresentation"], "holder": {"name": "Acme"}}
    )
    assert [p.path for p in problems] == ["$.holder.id"]


def test_presentation_proof_challenge_domain_and_holder(issuer):
    holder = KeyPair.generate_ed25519()
    credential = eddsa_rdfc_2022.sign(plain(issuer), issuer, created="2026-01-01T00:00:00Z")
    presentation = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
        "verifiableCredential": [credential],
    }
    signed = sign_presentation(presentation, holder, challenge="n-1", domain="v.example")
    verify = verifier_for(now=NOW)
    ok = verify_presentation(signed, verify=verify, challenge="n-1", domain="v.example")
    assert ok.ok, ok.checks
    assert [r.verdict for r in ok.credentials] == ["valid"]
    replay = verify_presentation(signed, verify=verify, challenge="n-2")
    assert not replay.ok and [c.name for c in replay.checks if c.status == "fail"] == ["challenge"]
    stranger = sign_presentation(presentation, KeyPair.generate_ed25519())
    bound = verify_presentation(stranger, verify=verify)
    assert [c.name for c in bound.checks if c.status == "fail"] == ["holder"]
    resolver = MapResolver({})
    unsigned = verify_presentation(presentation, verify=verify, resolver=resolver)
    assert [c.code for c in unsigned.checks if c.status == "fail"] == ["no-proof"]


def test_a_self_asserted_credential_is_secured_by_the_holder_only():
    holder = KeyPair.generate_ed25519()
    own = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": holder.controller,
        "credentialSubject": {"id": holder.controller},
    }
    presentation = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
        "verifiableCredential": [own],
    }
    verify = verifier_for(now=NOW)
    assert verify_presentation(sign_presentation(presentation, holder), verify=verify).ok
    someone = {**presentation, "holder": "did:example:someone"}
    report = verify_presentation(sign_presentation(someone, holder), verify=verify)
    assert {c.name for c in report.checks if c.status == "fail"} == {"holder", "credentials"}


def test_language_direction_is_signed(issuer):
    document = {
        **plain(issuer),
        "name": {"@value": "رخصة", "@language": "ar", "@direction": "rtl"},
    }
    signed = eddsa_rdfc_2022.sign(document, issuer, created="2026-01-01T00:00:00Z")
    assert verify_credential(signed, now=NOW).ok
    flipped = copy.deepcopy(signed)
    flipped["name"]["@direction"] = "ltr"
    assert verify_credential(flipped, now=NOW).verdict == "tampered"


def test_a_did_web_holder_signs_with_an_authentication_key_only():
    """A presentation proof is an authentication: the holder's document must grant the key
    ``authentication``; a key listed only for ``assertionMethod`` does not sign for the holder."""
    from microcred.did import controller_document

    holder = KeyPair.generate_ed25519(controller="did:web:holder.example")
    presentation = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
    }
    signed = sign_presentation(presentation, holder, challenge="n-1")
    document = controller_document(holder.controller, [(holder.id, holder.public)])
    verify = verifier_for(now=NOW)
    assertion_only = verify_presentation(
        signed, verify=verify, resolver=MapResolver({holder.controller: document}), challenge="n-1"
    )
    assert not assertion_only.ok
    failed = [c for c in assertion_only.checks if c.status == "fail"]
    assert any("authentication" in c.reason for c in failed), failed
    granted = {**document, "authentication": list(document["assertionMethod"])}
    ok = verify_presentation(
        signed, verify=verify, resolver=MapResolver({holder.controller: granted}), challenge="n-1"
    )
    assert ok.ok, ok.checks
