"""Certificates (PDF) and badge images (PNG, SVG) drawn with Typst.

Typst (the PyPI ``typst`` package bundles the compiler and the Libertinus Serif font, which
covers Latin, Latin Extended, Greek and Cyrillic) compiles our own templates, shipped as
package data. Values reach a template only as one JSON string in ``sys.inputs``; the
template inserts them as strings, so text such as ``#strong[x]`` or ``$x$`` in a learner's
name is printed as written. System fonts are ignored, so output is the same on every machine.
"""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import segno
import typst

Paper = Literal["a4", "letter"]
PAPERS: Final[dict[str, str]] = {"a4": "a4", "letter": "us-letter"}
TEMPLATES: Final = resources.files("microcred_web.rendering") / "typst"

_IMAGE_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def image_kind(data: bytes) -> str | None:
    """``png``, ``jpg``, ``gif`` or ``svg`` from the first bytes, or None."""
    for signature, kind in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096]):
        return "svg"
    return None


@dataclass(frozen=True)
class Colours:
    primary: str
    accent: str
    ink: str  # the primary colour darkened enough to read on white
    on_primary: str  # black or white, whichever reads on the primary colour


@dataclass(frozen=True)
class CertificateLabels:
    title: str
    certifies: str
    earned: str
    issued: str
    expires: str
    credential_id: str
    verify: str
    scan: str


@dataclass(frozen=True)
class CertificateData:
    learner: str
    achievement: str
    summary: str
    issuer: str
    issued_on: str
    expires_on: str | None
    credential_id: str
    verify_url: str
    colours: Colours
    labels: CertificateLabels
    lang: str = "en"
    logo: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class BadgeData:
    achievement: str
    issuer: str
    colours: Colours
    kind_label: str = ""  # e.g. "Certificate", "Badge"


def qr_svg(url: str) -> str:
    """A QR code for ``url`` as SVG text (dark modules in black on white, quiet zone 2)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", border=2, xmldecl=False)
    return out.getvalue().decode("utf-8")


def _compile(template: str, data: dict[str, Any], files: dict[str, bytes], **options: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="microcred-typst-") as folder:
        root = Path(folder)
        source = root / "main.typ"
        source.write_text((TEMPLATES / template).read_text(encoding="utf-8"), encoding="utf-8")
        for name, content in files.items():
            (root / name).write_bytes(content)
        result = typst.compile(
            str(source),
            root=str(root),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            ignore_system_fonts=True,
            **options,
        )
    if not isinstance(result, bytes):  # pragma: no cover - one page in, one output out
        raise TypeError("typst returned several pages")
    return result


def certificate_pdf(data: CertificateData, *, paper: Paper = "a4") -> bytes:
    """A one-page landscape PDF certificate on A4 or US Letter."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    values = asdict(data)
    values.pop("logo")
    files: dict[str, bytes] = {}
    kind = image_kind(data.logo) if data.logo else None
    values["logo"] = None
    if data.logo and kind:
        files[f"logo.{kind}"] = data.logo
        values["logo"] = f"logo.{kind}"
    values["paper"] = PAPERS[paper]
    values["qr_svg"] = qr_svg(data.verify_url)
    return _compile("certificate.typ", values, files, format="pdf")


def badge_png(data: BadgeData, *, size_px: int = 512) -> bytes:
    """The default badge design (no achievement image): a round badge in the brand colours."""
    return _compile("badge.typ", asdict(data), {}, format="png", ppi=size_px * 72 / 256)


def badge_svg(data: BadgeData) -> bytes:
    return _compile("badge.typ", asdict(data), {}, format="svg")
