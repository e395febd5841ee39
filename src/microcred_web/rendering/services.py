"""Certificates and baked badges of issued credentials, cached on disk under MEDIA_ROOT.

A file is cached at ``rendered/<credential uuid>/<status version>/<digest>.<ext>``: the status
version changes when the credential is revoked, suspended or reinstated, and the digest covers
everything drawn (names, dates, colours, logo, language, template), so a change in any of
them renders afresh. Revoked or suspended credentials are never rendered:
:func:`rendition_for` raises ``ApplicationError(status=410)``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from microcred.baking import bake_png, bake_svg
from microcred_web.common.colour import ink_on_white, readable_text_on
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.models import Credential, CredentialStatus
from microcred_web.rendering import documents

logger = logging.getLogger(__name__)

Kind = Literal["certificate-a4", "certificate-letter", "badge-png", "badge-svg"]
KINDS: Final[dict[str, tuple[str, str]]] = {
    "certificate-a4": ("pdf", "application/pdf"),
    "certificate-letter": ("pdf", "application/pdf"),
    "badge-png": ("png", "image/png"),
    "badge-svg": ("svg", "image/svg+xml"),
}
DESIGN_VERSION: Final = "1"


@functools.cache
def _template_digest() -> str:
    digest = hashlib.sha256(DESIGN_VERSION.encode())
    for name in ("certificate.typ", "badge.typ"):
        digest.update((documents.TEMPLATES / name).read_bytes())
    return digest.hexdigest()[:16]


def refuse_if_not_valid(credential: Credential) -> None:
    """410 for revoked and suspended credentials: never hand them out as valid."""
    state = credential.status
    if state == CredentialStatus.REVOKED:
        raise ApplicationError(
            "credential_revoked",
            _("This credential was revoked by its issuer and can no longer be downloaded."),
            status=410,
        )
    if state == CredentialStatus.SUSPENDED:
        raise ApplicationError(
            "credential_suspended",
            _("This credential is suspended by its issuer and cannot be downloaded for now."),
            status=410,
        )


def status_version(credential: Credential) -> str:
    def stamp(moment: datetime | None) -> str:
        return str(int(moment.timestamp())) if moment else "0"

    return f"r{stamp(credential.revoked_at)}-s{stamp(credential.suspended_at)}"


def _colours(credential: Credential) -> documents.Colours:
    organisation = credential.organisation
    primary, accent = organisation.primary_colour, organisation.accent_colour
    return documents.Colours(
        primary=primary,
        accent=accent,
        ink=ink_on_white(primary),
        on_primary=readable_text_on(primary),
    )


def _read(storage_file: Any) -> bytes | None:
    if not storage_file:
        return None
    try:
        with storage_file.open("rb") as handle:
            data: bytes = handle.read(8 * 1024 * 1024 + 1)
    except OSError:
        return None
    return data if len(data) <= 8 * 1024 * 1024 else None


def _achievement_image(credential: Credential) -> bytes | None:
    from django.core.files.storage import default_storage

    name = credential.achievement_version.image
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read(8 * 1024 * 1024 + 1)
    return data if len(data) <= 8 * 1024 * 1024 else None


def _language(credential: Credential) -> str:
    return credential.achievement_version.language or credential.organisation.default_language


def _date(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return str(formats.date_format(timezone.localtime(moment), "DATE_FORMAT"))


def certificate_data(credential: Credential) -> documents.CertificateData:
    document = credential.document
    issuer = document.get("issuer", {})
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    achievement = credential.achievement_version.achievement_json
    summary = str(achievement.get("description") or "")
    if len(summary) > 220:
        summary = summary[:217].rsplit(" ", 1)[0] + "…"
    with translation.override(_language(credential)):
        labels = documents.CertificateLabels(
            title=_("Certificate of achievement"),
            certifies=_("This certifies that"),
            earned=_("has earned"),
            issued=_("Issued"),
            expires=_("Expires"),
            credential_id=_("Credential ID"),
            verify=_("Verify at"),
            scan=_("Scan to verify"),
        )
        issued_on = _date(credential.issued_at) or ""
        expires_on = _date(credential.valid_until)
    return documents.CertificateData(
        learner=credential.recipient_name or credential.recipient_email or "",
        achievement=credential.achievement_version.name,
        summary=summary,
        issuer=str(issuer_name or credential.organisation.name),
        issued_on=issued_on,
        expires_on=expires_on,
        credential_id=str(credential.public_id),
        verify_url=str(document.get("id") or ""),
        colours=_colours(credential),
        labels=labels,
        lang=_language(credential)[:2],
        logo=_read(credential.organisation.logo),
    )


def _badge_data(credential: Credential) -> documents.BadgeData:
    kind = credential.achievement_version.achievement_json.get("achievementType") or ""
    with translation.override(_language(credential)):
        label = _("Certificate") if "ertific" in str(kind) else _("Badge")
    return documents.BadgeData(
        achievement=credential.achievement_version.name,
        issuer=credential.organisation.name,
        colours=_colours(credential),
        kind_label=str(label),
    )


def _svg_wrapping(png: bytes, size: int = 512) -> bytes:
    import base64

    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<image width="{size}" height="{size}" xlink:href="data:image/png;base64,{encoded}"/>'
        f"</svg>"
    ).encode()


def _render(credential: Credential, kind: str) -> bytes:
    if kind.startswith("certificate-"):
        paper: documents.Paper = "letter" if kind.endswith("letter") else "a4"
        return documents.certificate_pdf(certificate_data(credential), paper=paper)
    image = _achievement_image(credential)
    image_kind = documents.image_kind(image) if image else None
    payload = credential.signed_json
    if kind == "badge-png":
        base = image if image and image_kind == "png" else None
        return bake_png(base or documents.badge_png(_badge_data(credential)), payload)
    if image and image_kind == "svg":
        svg = image
    elif image and image_kind == "png":
        svg = _svg_wrapping(image)
    else:
        svg = documents.badge_svg(_badge_data(credential))
    return bake_svg(svg, payload)


def _inputs_digest(credential: Credential, kind: str) -> str:
    digest = hashlib.sha256(_template_digest().encode())
    digest.update(kind.encode())
    digest.update(credential.signed_json.encode())
    if kind.startswith("certificate-"):
        data = certificate_data(credential)
        values = asdict(data)
        logo = values.pop("logo")
        digest.update(json.dumps(values, sort_keys=True, ensure_ascii=False).encode())
        digest.update(hashlib.sha256(logo or b"").digest())
    else:
        digest.update(json.dumps(asdict(_badge_data(credential)), sort_keys=True).encode())
        digest.update(hashlib.sha256(_achievement_image(credential) or b"").digest())
    return digest.hexdigest()[:24]


def cache_path(credential: Credential, kind: str) -> Path:
    extension = KINDS[kind][0]
    return (
        Path(settings.MEDIA_ROOT)
        / "rendered"
        / str(credential.public_id)
        / status_version(credential)
        / f"{kind}-{_inputs_digest(credential, kind)}.{extension}"
    )


def rendition_for(credential: Credential, kind: str) -> tuple[Path, str]:
    """The cached file for ``kind`` (rendered now if missing) and its content type."""
    if kind not in KINDS:
        raise ApplicationError("unknown_kind", _("Unknown download."), status=404)
    try:
        refuse_if_not_valid(credential)
    except ApplicationError:
        # drop what was rendered while it was valid
        shutil.rmtree(
            Path(settings.MEDIA_ROOT) / "rendered" / str(credential.public_id), ignore_errors=True
        )
        raise
    path = cache_path(credential, kind)
    if not path.exists():
        content = _render(credential, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)  # atomic: readers never see half a file
    return path, KINDS[kind][1]


def renditions_prepare(*, credential: Credential, kinds: list[str] | None = None) -> list[Path]:
    """Render (and cache) every kind for a credential; skipped for revoked/suspended ones."""
    try:
        refuse_if_not_valid(credential)
    except ApplicationError:
        return []
    return [rendition_for(credential, kind)[0] for kind in (kinds or list(KINDS))]
