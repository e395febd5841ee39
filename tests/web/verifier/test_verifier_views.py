"""The public verifier, page and API, with real credentials signed by the app's services."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.baking import bake_png, bake_svg
from microcred.suites import vc_jwt
from microcred_web.analytics.models import CredentialEvent
from microcred_web.common.safe_fetch import safe_fetch
from microcred_web.issuing import services
from microcred_web.issuing.services import credential_url
from microcred_web.issuing.signing import signing_key_for
from microcred_web.verifier import inputs

API = "/verify/api"
_TRANSACTION = re.compile(r"^(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET LOCAL)\b")
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


@pytest.fixture
def fetches(monkeypatch) -> Iterator[list[str]]:
    """Records every URL handed to the guarded fetcher and every connection it opens; the
    real safe_fetch runs, with DNS answering a private address for every name."""
    calls: list[str] = []

    def opener(ip: str, port: int, name: str, timeout: float) -> socket.socket:
        calls.append(f"connect {ip}")
        raise OSError("no network in tests")

    def spy(url: str, **kwargs):
        calls.append(url)
        return safe_fetch(url, resolve=lambda host, port: ["10.1.2.3"], opener=opener, **kwargs)

    monkeypatch.setattr(inputs, "fetcher", spy)
    yield calls


def post_json(client, body, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(API, data=data, content_type="application/json", **extra)


@pytest.fixture
def issued(issued):
    """The credential, made public by its holder's choice (private ones are not shown)."""
    issued.is_public = True
    issued.save(update_fields=["is_public"])
    return issued


def test_private_credentials_are_verified_but_not_shown_by_url(client, issued) -> None:
    issued.is_public = False
    issued.save(update_fields=["is_public"])
    by_url = post_json(client, {"url": credential_url(issued.public_id)})
    assert by_url.status_code == 404
    assert by_url.json()["error"]["code"] == "credential_private"
    by_file = post_json(client, issued.signed_json).json()
    assert by_file["verdict"] == "valid"
    assert by_file["credential"]["recipient"] == ""  # the name stays in our records


def test_api_verifies_our_credential_and_records_the_event(client, issued, fetches) -> None:
    response = post_json(client, issued.signed_json)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "valid"
    checks = {c["id"]: c for c in body["checks"]}
    assert checks["proof"]["ok"] is True
    assert checks["status"]["ok"] is True
    assert body["credential"]["name"] == "Forklift safety"
    assert body["credential"]["recipient"] == "Lee Learner"
    event = CredentialEvent.objects.get(kind="verify")
    assert (event.credential_id, event.organisation_id, event.result) == (
        issued.pk,
        issued.organisation_id,
        "valid",
    )
    assert event.viewer_organisation_id is None
    assert fetches == []  # our own documents come from the database


def test_api_accepts_a_jwt_a_url_and_a_wrapped_credential(client, issued, fetches) -> None:
    unsecured = {k: v for k, v in json.loads(issued.signed_json).items() if k != "proof"}
    _key, pair = signing_key_for(organisation=issued.organisation)
    token = vc_jwt.sign(unsecured, pair)
    assert post_json(client, {"jwt": token}).json()["verdict"] == "valid"
    by_url = post_json(client, {"url": credential_url(issued.public_id)}).json()
    assert by_url["verdict"] == "valid"
    wrapped = {"verifiableCredential": json.loads(issued.signed_json), "options": {}}
    assert post_json(client, wrapped).json()["verdict"] == "valid"
    assert fetches == []


def test_api_accepts_a_baked_png_and_svg_upload(client, issued, png_bytes) -> None:
    for name, data in (
        ("badge.png", bake_png(png_bytes, issued.signed_json)),
        ("badge.svg", bake_svg(SVG, issued.signed_json)),
    ):
        response = client.post(API, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200, response.content
        assert response.json()["verdict"] == "valid", (name, response.json()["checks"])


def test_revocation_and_suspension_show_with_the_reason_even_when_cached(
    client, issued, world
) -> None:
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"
    services.credential_suspend(credential=issued, actor=world.people["issuer"], reason="Audit")
    suspended = post_json(client, issued.signed_json).json()
    assert (suspended["verdict"], suspended["reason"]) == ("suspended", "Audit")
    services.credential_unsuspend(credential=issued, actor=world.people["issuer"], reason="ok")
    again = post_json(client, issued.signed_json).json()
    assert again["verdict"] == "valid", again["checks"]
    issued.refresh_from_db()
    services.credential_revoke(
        credential=issued, actor=world.people["issuer"], reason="Issued in error"
    )
    revoked = post_json(client, issued.signed_json).json()
    assert (revoked["verdict"], revoked["reason"]) == ("revoked", "Issued in error")
    assert {c["id"]: c["ok"] for c in revoked["checks"]}["status"] is False


def test_each_failed_or_skipped_check_is_explained_in_plain_words(client, issued, world) -> None:
    """Plain words in ``message``; the engine's own wording (bit numbers, URLs, JSON paths) in
    ``detail``, for the technical view."""
    services.credential_suspend(credential=issued, actor=world.people["issuer"], reason="Audit")
    checks = {c["id"]: c for c in post_json(client, issued.signed_json).json()["checks"]}
    assert checks["status"]["message"] == "The issuer has suspended it for now."
    assert "suspended by its issuer: Audit" in checks["status"]["detail"]
    assert checks["refresh"] | {"detail": ""} == {
        "id": "refresh",
        "ok": None,
        "status": "skip",
        "label": "Refresh",
        "message": "It names no refresh service.",
        "detail": "",
    }
    assert checks["refresh"]["detail"] == "no refreshService"
    issued.refresh_from_db()
    services.credential_revoke(credential=issued, actor=world.people["issuer"], reason="Error")
    checks = {c["id"]: c for c in post_json(client, issued.signed_json).json()["checks"]}
    assert checks["status"]["message"] == "The issuer has revoked it."
    assert checks["status"]["detail"].startswith("revoked (message entry ")
    unsigned = json.loads(issued.signed_json)
    del unsigned["proof"]
    checks = {c["id"]: c for c in post_json(client, unsigned).json()["checks"]}
    assert checks["proof"]["message"] == "It is not signed."
    assert checks["issuer"]["message"] == "Not checked: no signature could be checked first."


def test_the_expiry_check_says_whether_the_credential_expires(client, issued) -> None:
    expiring = json.loads(issued.signed_json)
    expiring["validUntil"] = "2999-01-01T00:00:00Z"
    lasting = json.loads(issued.signed_json)
    lasting.pop("validUntil", None)
    for document, message in [
        (expiring, "Not past its validity date."),
        (lasting, "It does not expire."),
    ]:
        checks = {c["id"]: c for c in post_json(client, document).json()["checks"]}
        assert (checks["valid-until"]["status"], checks["valid-until"]["message"]) == (
            "pass",
            message,
        )


def test_a_warm_verification_costs_one_insert_and_a_revocation_shows_after_the_ttl(
    client, issued, world, settings
) -> None:
    """Warm (same input, within MICROCRED_VERIFY_STATUS_TTL): no SELECT at all, only the
    analytics INSERT; once the status TTL has passed, the credential's row is read again."""
    settings.MICROCRED_VERIFY_STATUS_TTL = 60.0
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"  # cold
    with CaptureQueriesContext(connection) as warm:
        assert post_json(client, issued.signed_json).json()["verdict"] == "valid"
    statements = [q["sql"] for q in warm.captured_queries if not _TRANSACTION.match(q["sql"])]
    assert len(statements) == 1, statements
    assert statements[0].startswith('INSERT INTO "analytics_credentialevent"')
    services.credential_revoke(credential=issued, actor=world.people["issuer"], reason="Error")
    settings.MICROCRED_VERIFY_STATUS_TTL = 0.0  # the TTL has passed
    assert post_json(client, issued.signed_json).json()["verdict"] == "revoked"


def test_a_tampered_copy_is_tampered_naming_the_signature(client, issued) -> None:
    document = json.loads(issued.signed_json)
    document["credentialSubject"]["achievement"]["name"] = "Forklift instructor"
    body = post_json(client, document).json()
    assert body["verdict"] == "tampered"
    failed = [c for c in body["checks"] if c["ok"] is False]
    assert [c["id"] for c in failed] == ["proof"]
    assert "changed after signing" in failed[0]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "http://example.org/badge.json"}, "url_refused"),
        ({"url": "file:///etc/passwd"}, "url_refused"),
        ({"url": "http://127.0.0.1:8000/credentials/x"}, "url_not_credential"),
        ({"jwt": 42}, "jwt_invalid"),
        ([1, 2, 3], "invalid_json"),
    ],
)
def test_refused_api_input_is_never_fetched(client, fetches, body, code: str) -> None:
    response = post_json(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert fetches == []


def test_foreign_urls_go_through_the_guard_and_private_addresses_are_refused(
    client, fetches
) -> None:
    response = post_json(client, {"url": "https://badges.example.net/assertion.json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "url"
    assert "private or reserved address (10.1.2.3)" in error["message"]
    assert fetches == ["https://badges.example.net/assertion.json"]  # no connection opened


def test_oversized_bodies_and_uploads_are_refused_before_parsing(client) -> None:
    big = b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = post_json(client, big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    upload = SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 10))
    response = client.post(API, {"file": upload})
    assert response.status_code == 413


def test_json_bombs_are_refused_and_the_server_still_answers(client, issued) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = post_json(client, deep)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    wide = json.dumps({"@context": ["x"] * 200_000})
    response = post_json(client, wide)
    assert response.status_code in (200, 400, 413)
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "svg_scripted",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "svg_scripted"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
            "svg_refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "svg_refused",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "svg_malformed"),
    ],
)
def test_hostile_svg_uploads_are_refused(client, data: bytes, code: str) -> None:
    response = client.post(API, {"file": SimpleUploadedFile("badge.svg", data)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_malformed_png_and_junk_are_not_credentials(client, db, png_bytes) -> None:
    for data in (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, png_bytes, b"hello world"):
        response = client.post(API, {"file": SimpleUploadedFile("x.png", data)})
        assert response.status_code == 200
        assert response.json()["verdict"] == "not-a-credential"


def test_page_without_javascript_shows_the_verdict_and_checks(client, issued) -> None:
    empty = client.get(reverse("verifier:page"))
    assert empty.status_code == 200
    assert b'id="credential-text"' in empty.content
    response = client.post(reverse("verifier:page"), {"credential": issued.signed_json})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verdict: Valid" in html
    assert "Signed by the issuer and not changed since." in html
    assert "Lee Learner" in html
    assert "<strong>practical</strong>" in html  # criteria, sanitised Markdown


def test_page_verifies_our_url_from_a_qr_code_link(client, issued) -> None:
    response = client.get(reverse("verifier:page"), {"url": credential_url(issued.public_id)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verdict: Valid" in html, html[html.find("<main") :][:3000]


def test_htmx_post_returns_only_the_verdict_and_errors_name_the_problem(client, issued) -> None:
    response = client.post(
        reverse("verifier:page"), {"credential": issued.signed_json}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in response.content
    assert b'id="verdict-heading"' in response.content
    refused = client.post(
        reverse("verifier:page"), {"url": "http://example.org/x"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 400
    assert b"Only https://" in refused.content


def test_signed_in_viewer_organisation_is_recorded(client, issued, world) -> None:
    client.force_login(world.others["admin"])
    post_json(client, issued.signed_json)
    event = CredentialEvent.objects.get(kind="verify")
    assert event.viewer_organisation_id == world.other.pk


def test_rate_limit_per_client(client, issued, settings) -> None:
    settings.MICROCRED_VERIFY_RATE = 0.001
    settings.MICROCRED_VERIFY_BURST = 2
    statuses = [post_json(client, issued.signed_json).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other = post_json(client, issued.signed_json, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200


def test_after_the_ttl_only_the_status_is_read_again(client, issued, world, settings) -> None:
    """Past MICROCRED_VERIFY_STATUS_TTL one small SELECT by primary key re-reads revocation,
    suspension and visibility (not the signed document), then the INSERT. (A status change
    gives the status list a new version, read once: decision 0019.)"""
    settings.MICROCRED_VERIFY_STATUS_TTL = 0.0
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"  # cold
    services.credential_suspend(credential=issued, actor=world.people["issuer"], reason="Audit")
    assert post_json(client, issued.signed_json).json()["verdict"] == "suspended"  # new list
    with CaptureQueriesContext(connection) as warm:
        body = post_json(client, issued.signed_json).json()
    assert (body["verdict"], body["reason"]) == ("suspended", "Audit")
    statements = [q["sql"] for q in warm.captured_queries if not _TRANSACTION.match(q["sql"])]
    assert len(statements) == 2, statements
    assert statements[0].startswith("SELECT") and "signed_json" not in statements[0]
    assert statements[1].startswith('INSERT INTO "analytics_credentialevent"')
    issued.delete()  # the re-read finds no row: our records no longer speak for it
    assert post_json(client, issued.signed_json).json()["credential"]["recipient"] == ""


def test_remembered_outcomes_follow_the_language_and_the_records(client, issued, world) -> None:
    first = post_json(client, issued.signed_json)
    again = post_json(client, issued.signed_json)
    assert again.content == first.content  # built once, the same bytes
    assert again["Content-Type"] == "application/json"
    french = post_json(client, issued.signed_json, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["headline"] != first.json()["headline"]
    issued.recipient_name = "Lee Renamed"
    issued.save(update_fields=["recipient_name"])
    assert post_json(client, issued.signed_json).json()["credential"]["recipient"] == "Lee Renamed"


def test_a_body_read_before_is_not_parsed_again(client, issued, monkeypatch) -> None:
    from microcred_web.verifier import views

    parsed: list[int] = []
    real = views.parse_json_text

    def counting(text):
        parsed.append(len(text))
        return real(text)

    monkeypatch.setattr(views, "parse_json_text", counting)
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"
    assert len(parsed) == 1
    wrapped = {"verifiableCredential": json.loads(issued.signed_json)}
    for _ in range(2):  # a wrapper is parsed every time (its credential is what is verified)
        assert post_json(client, wrapped).json()["verdict"] == "valid"
    assert len(parsed) == 3


def test_a_signed_in_verifier_is_recorded_with_their_organisation(client, issued, world) -> None:
    client.force_login(world.people["issuer"])
    assert post_json(client, issued.signed_json).json()["verdict"] == "valid"
    event = CredentialEvent.objects.get(kind="verify")
    assert event.viewer_organisation_id == world.org.pk


def test_a_french_visitor_reads_every_part_of_the_verdict_in_french(client, issued) -> None:
    """Verdict, explanation, each check's label and meaning come from the French catalogue
    (none falls back to the English text); only the technical detail is the engine's."""
    english = post_json(client, issued.signed_json).json()
    french = post_json(client, issued.signed_json, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert (french["headline"], french["explanation"].split(":")[0]) == (
        "Valide",
        "Toutes les vérifications ont réussi ",
    )
    assert [c["id"] for c in french["checks"]] == [c["id"] for c in english["checks"]]
    for ours, theirs in zip(french["checks"], english["checks"], strict=True):
        if ours["id"] != "proof":  # its label, "Signature", is the same word in both languages
            assert ours["label"] != theirs["label"], ours
        assert ours["message"] != theirs["message"], ours
        assert ours["detail"] == theirs["detail"]
    assert french["checks"][0]["label"] == "Lisible"
    page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vérifier un certificat" in page and "Scanner un QR code" in page
    tampered = json.loads(issued.signed_json)
    tampered["name"] = "Forged"
    verdict = client.post(
        "/verify/", {"credential": json.dumps(tampered)}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Vérification échouée :" in verdict and "modifié après la signature" in verdict
