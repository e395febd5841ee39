"""OB 2.0 assertions through ``verify_credential``: hosted and signed (JWS) verification."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from microcred.did import MapResolver
from microcred.keys import KeyPair
from microcred.verify import verify_credential

NOW = datetime(2025, 6, 1, tzinfo=UTC)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
ASSERTION_URL = "https://issuer.example/assertions/123"
KEY_URL = "https://issuer.example/keys/1"
BADGE_URL = "https://issuer.example/badges/forklift"
ISSUER_URL = "https://issuer.example/profile"
PROFILE_URL = ISSUER_URL
REVOCATIONS_URL = "https://issuer.example/revocations"


def _assertion(verification: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": ASSERTION_URL,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": BADGE_URL,
        "verification": verification,
        "issuedOn": "2024-03-01T10:00:00Z",
    }


def _graph(**issuer: Any) -> dict[str, Any]:
    """The documents an assertion links to: its BadgeClass and the issuer Profile."""
    return {
        BADGE_URL: {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": BADGE_URL,
            "name": "Forklift safety",
            "issuer": ISSUER_URL,
        },
        ISSUER_URL: {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": ISSUER_URL,
            "name": "Example Logistics",
            "publicKey": KEY_URL,
            **issuer,
        },
    }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jws(payload: dict[str, Any], key: KeyPair) -> str:
    header = _b64url(json.dumps({"alg": key.jws_algorithm}).encode())
    body = _b64url(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode("ascii"))
    return f"{header}.{body}.{_b64url(signature)}"


def _key_document(key: KeyPair) -> dict[str, Any]:
    pem = (
        key.public.to_cryptography()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": KEY_URL,
        "owner": PROFILE_URL,
        "publicKeyPem": pem,
    }


def _issuer_documents(signer: KeyPair, **changes: Any) -> MapResolver:
    """The key document, the badge class and the issuer profile that publishes the key."""
    documents: dict[str, Any] = {KEY_URL: _key_document(signer), **_graph()}
    for url, document in changes.items():
        documents[{"key": KEY_URL, "badge": BADGE_URL, "profile": PROFILE_URL}[url]] = document
    return MapResolver(documents)


# ----------------------------------------------------------------------------- hosted


def test_hosted_assertion_matching_the_hosted_copy_is_valid() -> None:
    assertion = _assertion({"type": "hosted"})
    resolver = MapResolver({ASSERTION_URL: copy.deepcopy(assertion), **_graph()})
    report = verify_credential(json.dumps(assertion), now=NOW, resolver=resolver)
    assert report.verdict == "valid"
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass"
    assert ASSERTION_URL in proof.reason
    assert [c.name for c in report.checks] == [
        "parse",
        "structure",
        "contexts",
        "types",
        "proof",
        "issuer",
        "valid-from",
        "status",
    ]


def test_hosted_assertion_that_differs_from_the_hosted_copy_is_tampered() -> None:
    assertion = _assertion({"type": "HostedBadge"})
    hosted = copy.deepcopy(assertion)
    hosted["recipient"]["identity"] = "someone-else@example.org"
    resolver = MapResolver({ASSERTION_URL: hosted, **_graph()})
    report = verify_credential(assertion, now=NOW, resolver=resolver)
    assert report.verdict == "tampered"
    proof = report.check("proof")
    assert proof is not None and proof.code == "tampered"


def test_hosted_assertion_that_cannot_be_fetched_is_an_unknown_issuer() -> None:
    report = verify_credential(_assertion({"type": "hosted"}), now=NOW, resolver=MapResolver({}))
    assert report.verdict == "unknown-issuer"


def test_hosted_assertion_revoked_at_its_host() -> None:
    assertion = _assertion({"type": "hosted"})
    hosted = {**assertion, "revoked": True}
    report = verify_credential(
        {**assertion, "revoked": True},
        now=NOW,
        resolver=MapResolver({ASSERTION_URL: hosted, **_graph()}),
    )
    assert report.verdict == "revoked"


def _hosted(url: str = ASSERTION_URL, **changes: Any) -> dict[str, Any]:
    assertion = _assertion({"type": "hosted"})
    assertion.update(id=url, **changes)
    return assertion


def _verify_hosted(assertion: dict[str, Any], graph: dict[str, Any], **extra: Any) -> Any:
    resolver = MapResolver({assertion["id"]: copy.deepcopy(assertion), **graph, **extra})
    return verify_credential(assertion, now=NOW, resolver=resolver)


@pytest.mark.parametrize(
    ("policy", "url", "valid"),
    [
        ({"allowedOrigins": ["badges.example.net"]}, "https://badges.example.net/a/1", True),
        ({"allowedOrigins": "badges.example.net"}, ASSERTION_URL, False),
        ({"startsWith": ["https://issuer.example/assertions/"]}, ASSERTION_URL, True),
        ({"startsWith": "https://issuer.example/other/"}, ASSERTION_URL, False),
        (
            {"startsWith": "https://cdn.example.org/ob/", "allowedOrigins": "cdn.example.org"},
            "https://cdn.example.org/ob/7",
            True,
        ),
        ({}, "https://elsewhere.example/assertions/1", False),  # default: the issuer's origin
        ({}, "http://issuer.example/assertions/123", False),  # another scheme, another origin
    ],
)
def test_hosted_assertion_id_must_fit_the_issuers_verification_policy(
    policy: dict[str, Any], url: str, valid: bool
) -> None:
    graph = _graph(verification=policy) if policy else _graph()
    report = _verify_hosted(_hosted(url), graph)
    proof = report.check("proof")
    assert proof is not None
    if valid:
        assert report.verdict == "valid", report.to_json()
    else:
        assert report.verdict == "unknown-issuer" and proof.status == "fail"
        assert (
            ("startsWith" in proof.reason)
            or ("allowedOrigins" in proof.reason)
            or ("origin of the issuer profile" in proof.reason)
        )


def test_a_policy_embedded_in_the_badge_class_is_not_trusted() -> None:
    graph = _graph()
    graph[BADGE_URL]["issuer"] = {
        "id": ISSUER_URL,
        "type": "Issuer",
        "verification": {"allowedOrigins": "attacker.example"},
    }
    report = _verify_hosted(_hosted("https://attacker.example/a/1"), graph)
    assert report.verdict == "unknown-issuer"


def test_hosted_assertion_whose_issuer_profile_cannot_be_fetched() -> None:
    graph = _graph()
    del graph[ISSUER_URL]
    report = _verify_hosted(_hosted(), graph)
    issuer = report.check("issuer")
    assert report.verdict == "unknown-issuer"
    assert issuer is not None and issuer.status == "fail" and ISSUER_URL in issuer.reason


def _revocations(*revoked: Any) -> dict[str, Any]:
    return {
        REVOCATIONS_URL: {
            "@context": OB2_CONTEXT,
            "type": "RevocationList",
            "id": REVOCATIONS_URL,
            "issuer": ISSUER_URL,
            "revokedAssertions": list(revoked),
        }
    }


@pytest.mark.parametrize(
    "entry",
    [
        {"id": ASSERTION_URL, "revocationReason": "Issued in error"},
        ASSERTION_URL,
        {"uid": "a-123", "revocationReason": "Issued in error"},
    ],
)
def test_assertion_on_the_issuers_revocation_list_is_revoked(entry: Any) -> None:
    graph = _graph(revocationList=REVOCATIONS_URL)
    report = _verify_hosted(_hosted(uid="a-123"), graph, **_revocations(entry))
    status = report.check("status")
    assert report.verdict == "revoked"
    assert status is not None and status.code == "revoked" and REVOCATIONS_URL in status.reason
    if isinstance(entry, dict):
        assert "Issued in error" in status.reason


def test_assertion_not_on_the_revocation_list_is_valid() -> None:
    graph = _graph(revocationList=REVOCATIONS_URL)
    others = _revocations("https://issuer.example/assertions/999", {"uid": "other"})
    report = _verify_hosted(_hosted(uid="a-123"), graph, **others)
    status = report.check("status")
    assert report.verdict == "valid" and status is not None and status.status == "pass"


def test_unreachable_revocation_list_is_not_valid() -> None:
    report = _verify_hosted(_hosted(), _graph(revocationList=REVOCATIONS_URL))
    status = report.check("status")
    assert report.verdict != "valid"
    assert status is not None and status.code == "status-unknown" and "unknown" in status.reason


def test_assertion_issued_in_the_future_is_not_yet_valid() -> None:
    report = _verify_hosted(_hosted(issuedOn="2030-01-01T00:00:00Z"), _graph())
    check = report.check("valid-from")
    assert report.verdict == "not-yet-valid"
    assert check is not None and "future" in check.reason


def test_expired_hosted_assertion() -> None:
    report = _verify_hosted(_hosted(expires="2025-01-01T00:00:00Z"), _graph())
    assert report.verdict == "expired"


@pytest.mark.parametrize(
    ("where", "wrong"),
    [("assertion", "BadgeClass"), ("badge", "Assertion"), ("issuer", "Person")],
)
def test_wrong_types_are_refused(where: str, wrong: str) -> None:
    assertion, graph = _hosted(), _graph()
    target = {"assertion": assertion, "badge": graph[BADGE_URL], "issuer": graph.get(ISSUER_URL)}
    assert target[where] is not None
    target[where]["type"] = wrong
    report = _verify_hosted(assertion, graph)
    types = report.check("types")
    assert report.verdict != "valid"
    assert types is not None and types.status == "fail" and repr(wrong) in types.reason


def test_profile_type_is_accepted_for_the_issuer() -> None:
    graph = _graph(type="Profile")
    assert _verify_hosted(_hosted(), graph).verdict == "valid"


@pytest.mark.parametrize(
    "context",
    [None, "https://w3id.org/openbadges/v1", "https://www.w3.org/ns/credentials/v2", []],
)
def test_missing_or_wrong_context_is_refused(context: Any) -> None:
    assertion = _hosted()
    if context is None:
        del assertion["@context"]
    else:
        assertion["@context"] = context
    report = _verify_hosted(assertion, _graph())
    contexts = report.check("contexts")
    assert report.verdict != "valid"
    assert contexts is not None and contexts.status == "fail" and OB2_CONTEXT in contexts.reason


# ----------------------------------------------------------------------------- signed


@pytest.fixture(scope="module", params=["Ed25519", "RSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    if request.param == "RSA":
        return KeyPair.generate_rs256(controller="https://issuer.example/profile")
    return KeyPair.generate_ed25519(controller="https://issuer.example/profile")


def test_signed_assertion_verifies_with_the_issuers_key(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    resolver = _issuer_documents(issuer_key)
    report = verify_credential(token, now=NOW, resolver=resolver)
    assert report.container == "jwt"
    assert report.verdict == "valid", report.to_json()
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass"
    assert issuer_key.jws_algorithm in proof.reason and KEY_URL in proof.reason


def test_tampered_signed_assertion_is_refused(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "SignedBadge", "creator": KEY_URL}), issuer_key)
    header, _, signature = token.split(".")
    forged = _assertion({"type": "SignedBadge", "creator": KEY_URL})
    forged["recipient"]["identity"] = "mallory@example.org"
    tampered = f"{header}.{_b64url(json.dumps(forged).encode())}.{signature}"
    resolver = _issuer_documents(issuer_key)
    report = verify_credential(tampered, now=NOW, resolver=resolver)
    assert report.verdict == "tampered"
    proof = report.check("proof")
    assert proof is not None and "does not match" in proof.reason


def test_signed_assertion_with_another_key_is_refused(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    stranger = KeyPair.generate_ed25519(controller="https://elsewhere.example/profile")
    resolver = _issuer_documents(issuer_key, key=_key_document(stranger))
    report = verify_credential(token, now=NOW, resolver=resolver)
    assert not report.ok and report.verdict == "tampered"


def test_signed_assertion_whose_key_document_is_not_a_cryptographic_key(
    issuer_key: KeyPair,
) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    key_document = {**_key_document(issuer_key), "type": "Profile"}
    report = verify_credential(
        token, now=NOW, resolver=MapResolver({KEY_URL: key_document, **_graph()})
    )
    proof = report.check("proof")
    assert report.verdict == "unknown-issuer"
    assert proof is not None and "CryptographicKey" in proof.reason


def test_signed_assertion_on_the_revocation_list_is_revoked(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    documents = {
        KEY_URL: _key_document(issuer_key),
        **_graph(revocationList=REVOCATIONS_URL),
        **_revocations({"id": ASSERTION_URL, "revocationReason": "Misconduct"}),
    }
    report = verify_credential(token, now=NOW, resolver=MapResolver(documents))
    status = report.check("status")
    assert report.verdict == "revoked" and status is not None and "Misconduct" in status.reason


def test_signed_assertion_whose_key_cannot_be_resolved(issuer_key: KeyPair) -> None:
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    report = verify_credential(token, now=NOW, resolver=MapResolver({}))
    assert report.verdict == "unknown-issuer"


def test_signed_assertion_given_as_json_is_refused() -> None:
    report = verify_credential(_assertion({"type": "signed", "creator": KEY_URL}), now=NOW)
    proof = report.check("proof")
    assert proof is not None and proof.status == "fail"
    assert "must be given as its JWS" in proof.reason


def test_expired_signed_assertion(issuer_key: KeyPair) -> None:
    assertion = _assertion({"type": "signed", "creator": KEY_URL})
    assertion["expires"] = "2025-01-01T00:00:00Z"
    token = _jws(assertion, issuer_key)
    report = verify_credential(token, now=NOW, resolver=_issuer_documents(issuer_key))
    assert report.verdict == "expired"


def test_signed_assertion_binds_its_key_to_the_badge_issuer(issuer_key: KeyPair) -> None:
    """A key document alone proves nothing: its owner must be the badge's issuer and the
    issuer's own profile must list it; anything else is an unknown issuer (decision 0017)."""
    token = _jws(_assertion({"type": "signed", "creator": KEY_URL}), issuer_key)
    elsewhere = dict(_key_document(issuer_key), owner="https://attacker.example/profile")
    unlisted = {"id": PROFILE_URL, "type": "Profile", "publicKey": "https://issuer.example/keys/2"}
    wrong_id = {"id": "https://attacker.example/profile", "publicKey": KEY_URL}
    urn_badge = {"id": BADGE_URL, "type": "BadgeClass", "issuer": "urn:uuid:1234"}
    for changes in (
        {"key": elsewhere},
        {"profile": unlisted},
        {"profile": wrong_id},
        {"badge": urn_badge},
    ):
        report = verify_credential(
            token, now=NOW, resolver=_issuer_documents(issuer_key, **changes)
        )
        assert report.verdict == "unknown-issuer", (changes, report.to_json())
    key_and_badge_only = MapResolver(
        {KEY_URL: _key_document(issuer_key), BADGE_URL: {"id": BADGE_URL, "issuer": PROFILE_URL}}
    )
    report = verify_credential(token, now=NOW, resolver=key_and_badge_only)
    assert report.verdict == "unknown-issuer"


def test_a_forged_embedded_issuer_profile_is_not_trusted(issuer_key: KeyPair) -> None:
    """An attacker's assertion embedding a badge whose issuer profile lists the attacker's key:
    the profile is fetched by its id, so the real profile decides."""
    attacker = KeyPair.generate_ed25519(controller="https://attacker.example/")
    assertion = _assertion({"type": "signed", "creator": "https://attacker.example/key"})
    assertion["badge"] = {
        "id": BADGE_URL,
        "type": "BadgeClass",
        "issuer": {"id": PROFILE_URL, "publicKey": "https://attacker.example/key"},
    }
    token = _jws(assertion, attacker)
    attacker_key = dict(_key_document(attacker), id="https://attacker.example/key")
    resolver = _issuer_documents(issuer_key)
    documents = {url: resolver.resolve(url) for url in (KEY_URL, BADGE_URL, PROFILE_URL)}
    documents["https://attacker.example/key"] = attacker_key
    report = verify_credential(token, now=NOW, resolver=MapResolver(documents))
    assert report.verdict == "unknown-issuer", report.to_json()


def test_the_public_names_stay_importable_from_microcred_verify() -> None:
    from microcred import verify

    for name in (
        "CHECK_ORDER",
        "Check",
        "VerificationReport",
        "issue_credential",
        "verify_credential",
        "SUITES",
        "JWT_ALGORITHMS",
        "Decoded",
        "decode_input",
        "KeyInfo",
        "Resolver",
        "fetch",
        "resolve_key",
        "OB_TYPES",
        "KNOWN_TYPES",
        "OB2_CONTEXTS",
        "MAX_NESTING",
    ):
        assert hasattr(verify, name), name
