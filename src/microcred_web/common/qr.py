"""QR codes as SVG text, drawn on the server (segno: no JavaScript, no network)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, title: str = "") -> str:
    """A QR code for ``url`` as SVG text (dark modules in black on white, quiet zone 2), with
    ``title`` as the image's accessible name when given."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out,
        kind="svg",
        border=2,
        xmldecl=False,
        omitsize=True,  # a viewBox: the page sizes it
        title=title or None,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode("utf-8")
