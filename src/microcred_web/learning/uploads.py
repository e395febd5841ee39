"""Upload checks for course media: size limits per kind and the type sniffed from the bytes.

The file's extension and the browser's content type are not trusted: the first bytes decide.
SVG and HTML are never accepted (they can carry scripts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError

MB = 1024 * 1024
#: block kind → bytes allowed (override with MICROCRED_LEARNING_UPLOAD_LIMITS)
DEFAULT_LIMITS = {"image": 5 * MB, "video": 100 * MB, "audio": 20 * MB, "file": 20 * MB}


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    family: str  # image, video, audio, document


def _sniff(head: bytes, name: str) -> Sniffed | None:
    lower = name.lower()
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png", "image")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg", "image")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "webp", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "wav", "audio")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"M4A"):
            return Sniffed("audio/mp4", "m4a", "audio")
        return Sniffed("video/mp4", "mp4", "video")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video/webm", "webm", "video")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "ogg", "audio")
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return Sniffed("audio/mpeg", "mp3", "audio")
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf", "document")
    if head.startswith(b"PK\x03\x04"):
        office = {
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "odt": "application/vnd.oasis.opendocument.text",
        }
        extension = lower.rsplit(".", 1)[-1]
        if extension in office:
            return Sniffed(office[extension], extension, "document")
        return None
    if lower.endswith((".txt", ".csv")) and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # the head may cut a multi-byte character: accept if only the tail is broken
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        if b"<" in head.lower() and b"<script" in head.lower():
            return None
        extension = lower.rsplit(".", 1)[-1]
        return Sniffed("text/csv" if extension == "csv" else "text/plain", extension, "document")
    return None


#: which sniffed families each block kind accepts
FAMILIES = {
    "image": {"image"},
    "video": {"video"},
    "audio": {"audio"},
    "file": {"document", "image", "audio", "video"},
}
ACCEPTED_LABELS = {
    "image": "PNG, JPEG, GIF, WebP",
    "video": "MP4, WebM",
    "audio": "MP3, M4A, Ogg, WAV",
    "file": "PDF, DOCX, XLSX, PPTX, ODT, TXT, CSV",
}


def upload_limit(kind: str) -> int:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "MICROCRED_LEARNING_UPLOAD_LIMITS", {})}
    return int(limits[kind])


def upload_check(upload: UploadedFile, *, kind: str, field: str = "upload") -> Sniffed:
    """The sniffed type of ``upload`` for a ``kind`` block, or an ApplicationError naming
    ``field`` (too big, empty, or not one of the accepted types)."""
    limit = upload_limit(kind)
    size = upload.size or 0
    if size > limit:
        raise ApplicationError(
            "upload_too_big",
            _("The file is %(size)s; the limit for this kind of block is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            field=field,
        )
    if size == 0:
        raise ApplicationError("upload_empty", _("The file is empty."), field=field)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    sniffed = _sniff(head, upload.name or "")
    if sniffed is None or sniffed.family not in FAMILIES[kind]:
        raise ApplicationError(
            "upload_type",
            _("This file's content is not an accepted type. Accepted: %(types)s.")
            % {"types": ACCEPTED_LABELS[kind]},
            field=field,
        )
    return sniffed
