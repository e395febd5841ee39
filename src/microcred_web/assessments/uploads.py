"""Checks on uploaded evidence: size, type sniffed from the content (never the name or the
browser's claim), no markup that could run script, no archives that expand without bound."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: an office document (a zip inside) may expand to at most this much, and this many times
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 2000
TEXT_EXTENSIONS = {"txt", "md", "csv"}
OFFICE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
}
MARKUP = (b"<html", b"<!doctype", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def max_upload_bytes() -> int:
    return int(getattr(settings, "ASSESSMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _refuse(message: str) -> ApplicationError:
    return ApplicationError("upload_refused", message, "file")


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isalnum() or ch in "._- ").strip(" .")
    return (cleaned or "evidence")[:150]


def _office_type(data: bytes, extension: str) -> str:
    """The content type of an OOXML/ODF document after the zip-bomb checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _refuse(_("This file is damaged.")) from exc
    names = {entry.filename for entry in entries}
    is_office = "[Content_Types].xml" in names or "mimetype" in names
    if not is_office or extension not in OFFICE:
        raise _refuse(_("Archives (zip files) are not accepted: upload the documents inside."))
    if len(entries) > MAX_ENTRIES:
        raise _refuse(_("This document has too many parts."))
    expanded = sum(entry.file_size for entry in entries)
    compressed = max(1, sum(entry.compress_size for entry in entries))
    if expanded > MAX_EXPANDED_BYTES or expanded / compressed > MAX_RATIO:
        raise _refuse(_("This document expands to far more than its size (a zip bomb?)."))
    return OFFICE[extension]


def _sniff(data: bytes, extension: str) -> str:
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(data, extension)
    if any(marker in stripped for marker in MARKUP) or stripped.startswith(b"<"):
        raise _refuse(_("Web pages and SVG images are not accepted as evidence."))
    if extension in TEXT_EXTENSIONS and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refuse(_("Text files must be UTF-8.")) from exc
        return "text/plain"
    raise _refuse(
        _("Accepted files: PDF, PNG, JPEG, Word/Excel/PowerPoint/OpenDocument, plain text.")
    )


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """Read and check one upload; raises ApplicationError (field ``file``) if refused."""
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise _refuse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise _refuse(_("The file is empty."))
    name = _safe_name(upload.name or "evidence")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = _sniff(data, extension)
    return CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
