"""Imports: each one verified with the engine and labelled (fixtures: tests/vectors/ob30)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from key_forgery import remote_documents
from microcred.baking import bake_png
from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import FetchedDocument
from microcred_web.issuing import services as issuing
from microcred_web.wallet import services
from microcred_web.wallet.importing import MAX_IMPORT_BYTES
from microcred_web.wallet.models import ImportedCredential
from ob30_issuers import issuer_documents

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
FIXTURE_WEB = remote_documents(issuer_documents())  # what the fixture issuers would publish
NOWHERE = remote_documents({})


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "label", "source_format"),
    [
        ("simple.json", "valid", "json"),
        ("simple-json.png", "valid", "png"),
        ("simple-jwt.svg", "valid", "svg"),
        ("simple.jwt", "unknown_issuer", "jwt"),  # its contexts are not pinned here
        ("simple-err-expired.json", "expired", "json"),
        ("simple-err-proof-value.json", "tampered", "json"),
        ("simple-err-proof-method.json", "unknown_issuer", "json"),
        ("simple-err-type.json", "invalid", "json"),
        ("simple-noproof.json", "invalid", "json"),
    ],
)
def test_fixture_imports_are_labelled(world, name, label, source_format):
    learner = world.people["learner"]
    imported = services.credential_import(user=learner, data=vector(name), fetch=FIXTURE_WEB)
    assert (imported.label, imported.source_format) == (label, source_format)
    assert imported.checks and all("name" in c for c in imported.checks)
    assert ImportedCredential.objects.filter(owner=learner).count() == 1  # kept either way


@pytest.mark.parametrize("name", ["simple.json", "simple-json.png", "simple-jwt.svg"])
def test_fixtures_whose_issuer_publishes_nothing_are_unknown_issuer(world, name):
    """The key in the fragment (or the JWT jwk) alone binds nothing (decision 0017)."""
    learner = world.people["learner"]
    imported = services.credential_import(user=learner, data=vector(name), fetch=NOWHERE)
    assert imported.label == "unknown_issuer"


def test_valid_import_summary_and_wallet_listing(client, world):
    learner = world.people["learner"]
    imported = services.credential_import(
        user=learner, data=vector("simple.json"), fetch=FIXTURE_WEB
    )
    assert (imported.name, imported.issuer_id) == ("Teamwork", "https://example.com/issuers/876543")
    assert imported.issued_on is not None
    client.force_login(learner)
    html = client.get(reverse("wallet:home")).content.decode()
    assert imported.name in html and "imported" in html
    detail = client.get(reverse("wallet:imported", kwargs={"public_id": imported.public_id}))
    assert detail.status_code == 200 and 'id="import-label"' in detail.content.decode()
    client.force_login(world.people["admin"])  # nobody else sees it
    other = client.get(reverse("wallet:imported", kwargs={"public_id": imported.public_id}))
    assert other.status_code == 404


def test_our_own_revoked_credential_imports_as_revoked(world, credential, png_bytes):
    issuing.credential_revoke(credential=credential, actor=world.people["admin"], reason="Error")
    someone = world.others["learner"]
    assert services.credential_import(user=someone, data=credential.signed_json.encode()).label == (
        "revoked"
    )
    baked = bake_png(png_bytes, credential.signed_json)
    assert services.credential_import(user=someone, data=baked).label == "revoked"


def test_our_own_valid_and_tampered_credentials(world, credential):
    learner = world.people["learner"]
    assert services.credential_import(user=learner, data=credential.signed_json.encode()).label == (
        "valid"
    )
    document = json.loads(credential.signed_json)
    document["credentialSubject"]["achievement"]["name"] = "Forklift MASTER"
    tampered = services.credential_import(user=learner, data=json.dumps(document).encode())
    assert tampered.label == "tampered"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\nnot really a png", "No credential could be read"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "No credential",
        ),
        (b"[1, 2, 3]", "No credential could be read"),
        (b"{" * 100_000, "No credential could be read"),
    ],
)
def test_unreadable_files_are_refused_naming_the_field(world, data, message):
    with pytest.raises(ApplicationError) as error:
        services.credential_import(user=world.people["learner"], data=data)
    assert error.value.field == "file" and message in error.value.message
    assert not ImportedCredential.objects.exists()


def test_oversized_upload_refused_by_the_form(client, world):
    client.force_login(world.people["learner"])
    big = SimpleUploadedFile("big.json", b" " * (MAX_IMPORT_BYTES + 1))
    response = client.post(reverse("wallet:import"), {"file": big})
    assert response.status_code in (400, 413)
    assert not ImportedCredential.objects.exists()


def test_upload_through_the_page(client, world, monkeypatch):
    monkeypatch.setattr("microcred_web.common.safe_fetch.safe_fetch", FIXTURE_WEB)
    client.force_login(world.people["learner"])
    upload = SimpleUploadedFile("badge.png", vector("simple-json.png"), "image/png")
    response = client.post(reverse("wallet:import"), {"file": upload})
    imported = ImportedCredential.objects.get()
    assert response.status_code == 302 and imported.label == "valid"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://badges.example/assertion/1", "https"),
        ("https://127.0.0.1/assertion", "address"),
        ("https://10.0.0.8/assertion", "address"),
        ("https://[::1]/assertion", "address"),
    ],
)
def test_url_import_refuses_unsafe_addresses(client, world, url, message):
    client.force_login(world.people["learner"])
    response = client.post(reverse("wallet:import"), {"url": url})
    assert response.status_code == 400
    errors = response.context["url_form"].errors
    assert "url" in errors and message in " ".join(errors["url"]).lower()
    assert not ImportedCredential.objects.exists()


OB2_URL = "https://badges.example.org/assertions/42"
OB2_ASSERTION = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "Assertion",
    "id": OB2_URL,
    "recipient": {"type": "email", "hashed": False, "identity": "learner@acme.example"},
    "badge": {
        "type": "BadgeClass",
        "id": "https://badges.example.org/badges/7",
        "name": "First aid at work",
        "description": "Can give first aid.",
        "issuer": {"type": "Issuer", "id": "https://badges.example.org/issuer", "name": "RedX"},
    },
    "issuedOn": "2024-03-01T00:00:00Z",
    "verification": {"type": "hosted"},
}
# OB 2.0 hosted verification reads the issuer's policy from its own profile, fetched by id.
OB2_ISSUER = {
    "https://badges.example.org/issuer": {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": "https://badges.example.org/issuer",
        "name": "RedX",
    }
}


def _remote(documents: dict[str, object]):
    """The remote web server, as seen through the guarded fetcher's injection point."""

    def fetch(url: str) -> FetchedDocument:
        if url not in documents:
            from microcred_web.common.safe_fetch import UnsafeFetch

            raise UnsafeFetch("the server answered with HTTP status 404")
        return FetchedDocument(url, "application/json", json.dumps(documents[url]).encode())

    return fetch


def test_hosted_ob2_assertion_by_url(world):
    fetch = _remote({OB2_URL: OB2_ASSERTION, **OB2_ISSUER})
    imported = services.credential_import_url(
        user=world.people["learner"], url=OB2_URL, fetch=fetch
    )
    assert imported.source_format == "url" and imported.source_url == OB2_URL
    assert imported.name == "First aid at work" and imported.issuer_name == "RedX"
    assert imported.label == "valid"
    gone = _remote({})
    with pytest.raises(ApplicationError) as error:
        services.credential_import_url(user=world.people["learner"], url=OB2_URL, fetch=gone)
    assert error.value.field == "url" and "404" in error.value.message


def test_revoked_hosted_ob2_assertion(world):
    fetch = _remote({OB2_URL: {**OB2_ASSERTION, "revoked": True}, **OB2_ISSUER})
    imported = services.credential_import_url(
        user=world.people["learner"], url=OB2_URL, fetch=fetch
    )
    assert imported.label == "revoked"


def _ob2_png(png: bytes, url: str) -> bytes:
    """An OB 2.0 baked PNG: a tEXt chunk "openbadges" holding the hosted assertion's URL."""
    import struct
    import zlib

    body = b"openbadges\x00" + url.encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def test_ob2_baked_png_with_hosted_url(world, png_bytes):
    fetch = _remote({OB2_URL: OB2_ASSERTION, **OB2_ISSUER})
    data = _ob2_png(png_bytes, OB2_URL)
    imported = services.credential_import(user=world.people["learner"], data=data, fetch=fetch)
    assert (imported.label, imported.name) == ("valid", "First aid at work")
    with pytest.raises(ApplicationError) as error:  # the guard refuses a private address
        services.credential_import(
            user=world.people["learner"], data=_ob2_png(png_bytes, "https://127.0.0.1/a")
        )
    assert error.value.field == "file" and "address" in error.value.message


def test_our_own_suspended_credential_imports_as_suspended_then_valid(world, credential):
    """Its one status entry carries the suspension (decision 0019)."""
    someone = world.others["learner"]
    issuing.credential_suspend(credential=credential, actor=world.people["admin"], reason="Audit")
    data = credential.signed_json.encode()
    assert services.credential_import(user=someone, data=data).label == "suspended"
    issuing.credential_unsuspend(credential=credential, actor=world.people["admin"], reason="ok")
    assert services.credential_import(user=someone, data=data).label == "valid"


def test_a_credential_whose_status_list_is_unreachable_imports_as_status_unknown(
    client, world, settings
):
    from microcred.keys import KeyPair
    from microcred.status import standing_entry
    from microcred.verify import issue_credential

    key = KeyPair.generate_ed25519()
    unsigned = json.loads(vector("simple.json"))
    unsigned.pop("proof")
    unsigned["issuer"]["id"] = key.controller
    missing = settings.BASE_URL.rstrip("/") + "/o/nobody/status/message/9"  # nothing there
    unsigned["credentialStatus"] = standing_entry(list_credential_url=missing, index=3)
    signed = issue_credential(unsigned, key, created="2024-01-01T00:00:00Z")
    learner = world.people["learner"]
    imported = services.credential_import(user=learner, data=json.dumps(signed).encode())
    assert imported.label == "status_unknown"
    client.force_login(learner)
    html = client.get(reverse("wallet:home")).content.decode()
    assert "Status unknown" in html
