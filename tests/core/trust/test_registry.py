"""Trusted issuer registries: both formats, lookups by DID and URL, malformed files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import InvalidInput
from microcred.trust.check import trust_check
from microcred.trust.registry import (
    Registry,
    RegistryEntry,
    issuer_key,
    parse_registry,
    recognise,
    registry_from_text,
)
from microcred.verification.report import Check, VerificationReport

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "trust-registries"


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_plain_format_is_read_with_its_name() -> None:
    registry = parse_registry(_load("microcred-registry.json"), format="microcred")
    assert registry.name == "Logistics Skills Council recognised issuers"
    assert [e.name for e in registry.entries] == ["Example Institute", "Harbour Training Ltd"]
    found = registry.lookup("did:web:training.example.net:o:harbour")
    assert found is not None and found.name == "Harbour Training Ltd"


def test_dcc_format_is_named_by_whoever_configures_it() -> None:
    registry = parse_registry(_load("dcc-registry.json"), format="dcc", name="DCC Sandbox")
    assert registry.name == "DCC Sandbox" and registry.format == "dcc"
    entry = registry.lookup("did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH")
    assert entry is not None and entry.url == "https://college.example.org"


def test_dcc_registry_without_a_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_registry(_load("dcc-registry.json"), format="dcc")
    assert caught.value.problems[0].path == "name"


def test_did_web_and_its_https_form_are_the_same_issuer() -> None:
    dcc = parse_registry(_load("dcc-registry.json"), format="dcc", name="DCC")
    entry = dcc.lookup("https://example.com/issuers/876543")
    assert entry is not None and entry.name == "Example Institute of Technology"
    plain = parse_registry(_load("microcred-registry.json"), format="microcred")
    assert plain.lookup("did:web:example.com:issuers:876543#key-1") is not None
    assert issuer_key("did:web:Example.com%3A8443:o:acme") == "https://example.com:8443/o/acme"
    assert issuer_key("https://example.com:8443/o/acme/") == "https://example.com:8443/o/acme"


def test_unknown_issuer_is_in_no_registry() -> None:
    plain = parse_registry(_load("microcred-registry.json"), format="microcred")
    assert plain.lookup("did:web:example.com:issuers:999") is None
    assert plain.lookup("did:web:training.example.net:o:harbou") is None
    assert recognise("did:web:nowhere.example", [plain]) is None


def test_the_first_registry_listing_an_issuer_wins() -> None:
    first = Registry("First", (RegistryEntry("did:web:a.example", "A in first"),))
    second = Registry("Second", (RegistryEntry("https://a.example", "A in second"),))
    found = recognise("did:web:a.example", [first, second])
    assert found is not None and (found.registry, found.name) == ("First", "A in first")


@pytest.mark.parametrize(
    ("data", "fmt", "path"),
    [
        ([], "microcred", "$"),
        ({"name": "X", "issuers": []}, "microcred", "$.type"),
        ({"type": "IssuerRegistry", "issuers": []}, "microcred", "$.name"),
        ({"type": "IssuerRegistry", "name": "X", "issuers": {}}, "microcred", "$.issuers"),
        (
            {"type": "IssuerRegistry", "name": "X", "issuers": [{"id": "acme", "name": "A"}]},
            "microcred",
            "$.issuers[0].id",
        ),
        (
            {"type": "IssuerRegistry", "name": "X", "issuers": [{"id": "did:web:a"}]},
            "microcred",
            "$.issuers[0].name",
        ),
        ({"meta": {}}, "dcc", "$.registry"),
        ({"registry": {"did:web:a": {"url": "https://a"}}}, "dcc", "$.registry['did:web:a'].name"),
        ({"registry": {}}, "xml", "format"),
    ],
)
def test_malformed_registry_names_the_field(data: Any, fmt: str, path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_registry(data, format=fmt, name="Named" if fmt == "dcc" else "")
    assert path in [p.path for p in caught.value.problems]
    assert path in str(caught.value)


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\$: not JSON"):
        registry_from_text(b"{nope", format="microcred")


def test_round_trip_through_the_plain_format() -> None:
    registry = parse_registry(_load("dcc-registry.json"), format="dcc", name="DCC")
    again = parse_registry(registry.to_json(), format="microcred")
    assert again.entries == registry.entries and again.name == "DCC"


def _signed_report(issuer: str, proof: str = "pass") -> VerificationReport:
    return VerificationReport(
        checks=[Check("proof", proof, "signed")],  # type: ignore[arg-type]
        document={"issuer": {"id": issuer, "type": ["Profile"]}},
    )


def test_trust_check_reports_the_registry_and_name() -> None:
    plain = parse_registry(_load("microcred-registry.json"), format="microcred")
    check = trust_check(_signed_report("did:web:training.example.net:o:harbour"), [plain])
    assert check.status == "pass"
    assert check.reason == (
        'issuer is in registry "Logistics Skills Council recognised issuers" '
        'as "Harbour Training Ltd"'
    )


def test_unrecognised_issuer_is_a_warning_unless_required() -> None:
    plain = parse_registry(_load("microcred-registry.json"), format="microcred")
    report = _signed_report("did:web:stranger.example")
    warned = trust_check(report, [plain])
    assert warned.status == "warn" and warned.code == "not-in-registry"
    assert "not in any configured registry" in warned.reason
    report.checks.append(warned)
    assert report.verdict == "valid"  # the signature verdict is unchanged
    failed = trust_check(report, [plain], required=True)
    assert failed.status == "fail"
    report.checks[-1] = failed
    assert report.verdict == "invalid"


def test_trust_is_not_checked_for_a_forged_credential() -> None:
    plain = parse_registry(_load("microcred-registry.json"), format="microcred")
    check = trust_check(_signed_report("did:web:training.example.net:o:harbour", "fail"), [plain])
    assert check.status == "skip"
