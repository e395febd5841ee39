"""Certificates and baked badges: real PDFs and images, refused once revoked or suspended."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from microcred.baking import extract
from microcred_web.issuing.services import (
    RecipientInput,
    credential_revoke,
    credential_suspend,
    credentials_issue,
)
from microcred_web.issuing.verification import credential_verify
from microcred_web.rendering import tasks

NAME = "Zoë Łukasiewicz-Núñez Ørsted"
TRICKY = 'Ann #strong[x] $a+b$ "]) #panic("no")'
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
def issued(make_org, make_member, publish, png_bytes):
    org = make_org("render-org", "Éditions Ålborg")
    admin = make_member(org, "admin")
    version = publish(org, admin, name="Sécurité incendie — niveau 2")
    credentials = credentials_issue(
        organisation=org,
        achievement_version=version,
        actor=admin,
        source="ui",
        deliver=False,
        recipients=[
            RecipientInput(email="zoe@example.com", name=NAME),
            RecipientInput(email="ann@example.com", name=TRICKY),
        ],
    )
    # The logo is added after issuing (issuing currently refuses orgs with a logo, see the
    # bulk tests); the certificate reads it at render time.
    org.logo.save("logo.png", ContentFile(png_bytes))
    for credential in credentials:  # the holders made them public (private by default)
        credential.is_public = True
        credential.save(update_fields=["is_public"])
    return credentials[0], credentials[1], admin


def _url(name: str, credential) -> str:
    return reverse(f"rendering:{name}", kwargs={"public_id": credential.public_id})


def _pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
    return text.decode(), info.decode()


@poppler
@pytest.mark.parametrize(
    ("size", "page"), [("a4", "841.89 x 595.276 pts (A4)"), ("letter", "792 x 612 pts (letter)")]
)
def test_certificate_is_a_landscape_pdf_with_the_accented_name(
    client, issued, tmp_path, size, page
) -> None:
    credential, _other, _admin = issued
    response = client.get(_url("certificate", credential), {"size": size})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    text, info = _pdf_text(pdf, tmp_path)
    assert page in info
    assert "Pages:           1" in info
    assert NAME in text
    assert "Sécurité incendie — niveau 2" in text
    assert "Éditions Ålborg" in text
    assert str(credential.public_id) in text


@poppler
def test_markup_in_a_name_is_printed_not_run(client, issued, tmp_path) -> None:
    _credential, tricky, _admin = issued
    response = client.get(_url("certificate", tricky))
    assert response.status_code == 200
    text, _info = _pdf_text(b"".join(response.streaming_content), tmp_path)
    assert TRICKY in text


@pytest.mark.parametrize(
    ("name", "content_type"), [("badge_png", "image/png"), ("badge_svg", "image/svg+xml")]
)
def test_baked_badge_carries_the_signed_credential(client, issued, name, content_type) -> None:
    credential, _other, _admin = issued
    response = client.get(_url(name, credential))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    image = b"".join(response.streaming_content)
    baked = extract(image)
    assert baked.version == "3.0"
    assert baked.payload == credential.signed_json
    assert credential_verify(image, now=timezone.now()).verdict == "valid"


def test_downloads_are_cached_per_status_version(client, issued, settings) -> None:
    credential, _other, _admin = issued
    assert client.get(_url("badge_png", credential)).status_code == 200
    folder = Path(settings.MEDIA_ROOT) / "rendered" / str(credential.public_id)
    files = list(folder.rglob("*.png"))
    assert len(files) == 1
    before = files[0].stat().st_mtime_ns
    assert client.get(_url("badge_png", credential)).status_code == 200
    assert files[0].stat().st_mtime_ns == before  # served from the cache, not re-rendered


def test_the_task_prepares_every_download(issued, settings) -> None:
    credential, _other, _admin = issued
    assert tasks.credential_renditions_prepare.call(public_id=str(credential.public_id)) == 4
    folder = Path(settings.MEDIA_ROOT) / "rendered" / str(credential.public_id)
    assert sorted(p.suffix for p in folder.rglob("*.*")) == [".pdf", ".pdf", ".png", ".svg"]


@pytest.mark.parametrize("change", ["revoke", "suspend"])
def test_revoked_or_suspended_credentials_are_gone(client, issued, settings, change) -> None:
    credential, _other, admin = issued
    assert client.get(_url("badge_svg", credential)).status_code == 200
    action = credential_revoke if change == "revoke" else credential_suspend
    action(credential=credential, actor=admin, reason="Issued in error")
    for name in ("certificate", "badge_png", "badge_svg"):
        response = client.get(_url(name, credential))
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert ("revoked" if change == "revoke" else "suspended") in response.content.decode()
    folder = Path(settings.MEDIA_ROOT) / "rendered" / str(credential.public_id)
    assert not folder.exists()  # what was rendered while valid is gone too


def test_unknown_credential_is_404(client, db) -> None:
    url = reverse(
        "rendering:badge_png", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"}
    )
    assert client.get(url).status_code == 404
