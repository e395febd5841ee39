"""Badge baking: put a credential into a PNG or SVG image, and read it back.

* PNG (OB 3.0): an ``iTXt`` chunk with keyword ``openbadgecredential`` just before ``IEND``;
  its text is the credential JSON or a compact JWT. Chunks are copied as they are: pixels are
  never decoded. OB 2.0 images carry ``openbadges`` (iTXt or tEXt), which :func:`extract` reads.
* SVG (OB 3.0): ``<openbadges:credential>`` in namespace ``https://purl.imsglobal.org/ob/v3p0``
  as the first child of the root; JSON goes in as CDATA text, a JWT in the ``verify``
  attribute. OB 2.0 uses ``<openbadges:assertion>`` (namespace ``http://openbadges.org``).

The XML parser is hardened: no DTD loading, no entity expansion, no network, no huge trees,
and documents that declare entities are refused outright.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from typing import Final, Literal

import png
from lxml import etree

from microcred.errors import BakingError

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "OB2_SVG_NAMESPACE",
    "OB3_SVG_NAMESPACE",
    "BakedPayload",
    "bake_png",
    "bake_svg",
    "extract",
]

OB3_PNG_KEYWORD: Final = b"openbadgecredential"
OB2_PNG_KEYWORD: Final = b"openbadges"
OB3_SVG_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE: Final = "http://openbadges.org"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"

MAX_IMAGE_BYTES: Final = 32 * 1024 * 1024
MAX_PAYLOAD_BYTES: Final = 4 * 1024 * 1024

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS: Final = (b"iTXt", b"tEXt", b"zTXt")
_COMPACT_JWS: Final = re.compile(r"\A[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\Z")
_ENTITY_DECLARATION: Final = re.compile(rb"<!ENTITY", re.IGNORECASE)
_OB3_CREDENTIAL: Final = f"{{{OB3_SVG_NAMESPACE}}}credential"
_OB2_ASSERTION: Final = f"{{{OB2_SVG_NAMESPACE}}}assertion"


@dataclass(frozen=True, slots=True)
class BakedPayload:
    """What :func:`extract` found: the image format, the Open Badges version and the text."""

    format: Literal["png", "svg"]
    version: Literal["3.0", "2.0"]
    payload: str

    @property
    def is_jwt(self) -> bool:
        """True when the payload is a compact JWS rather than JSON."""
        return bool(_COMPACT_JWS.match(self.payload))


def _check_payload(payload: str) -> str:
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("the payload to bake must be a non-empty string (JSON or a JWT)")
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise BakingError(f"the payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    return payload.strip()


# --------------------------------------------------------------------------- PNG


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    if not data.startswith(_PNG_SIGNATURE):
        raise BakingError("not a PNG image (wrong signature)")
    try:
        chunks = [(bytes(kind), bytes(body)) for kind, body in png.Reader(bytes=data).chunks()]
    except (png.Error, ValueError, EOFError) as exc:
        raise BakingError(f"the PNG image is damaged: {exc}") from exc
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("the PNG image must start with IHDR and end with IEND")
    return chunks


def _text_keyword(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


def _itxt(keyword: bytes, text: str) -> bytes:
    # keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translation NUL.
    return keyword + b"\0\0\0\0\0" + text.encode("utf-8")


def bake_png(png_bytes: bytes, payload: str) -> bytes:
    """A copy of the PNG with an OB 3.0 ``openbadgecredential`` iTXt chunk (replacing any)."""
    text = _check_payload(payload)
    chunks = _png_chunks(png_bytes)
    kept = [
        (kind, body)
        for kind, body in chunks[:-1]
        if not (kind in _TEXT_CHUNKS and _text_keyword(body) == OB3_PNG_KEYWORD)
    ]
    kept.append((b"iTXt", _itxt(OB3_PNG_KEYWORD, text)))
    kept.append(chunks[-1])
    out = io.BytesIO()
    png.write_chunks(out, kept)
    return out.getvalue()


def _decode_text_chunk(kind: bytes, body: bytes) -> str:
    keyword, _, rest = body.partition(b"\0")
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":
        return _inflate(rest[1:]).decode("latin-1")
    if len(rest) < 2:
        raise BakingError(f"the iTXt chunk {keyword.decode('latin-1')!r} is truncated")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    parts = rest.split(b"\0", 2)
    if len(parts) != 3:
        raise BakingError(f"the iTXt chunk {keyword.decode('latin-1')!r} is malformed")
    text = parts[2]
    if compressed:
        if method != 0:
            raise BakingError("the iTXt chunk uses an unknown compression method")
        text = _inflate(text)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("the iTXt chunk text is not UTF-8") from exc


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        result = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(f"a compressed text chunk is corrupt: {exc}") from exc
    if len(result) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise BakingError(f"a compressed text chunk expands beyond {MAX_PAYLOAD_BYTES} bytes")
    return result


def _extract_png(data: bytes) -> BakedPayload:
    found_v2: str | None = None
    for kind, body in _png_chunks(data):
        if kind not in _TEXT_CHUNKS:
            continue
        keyword = _text_keyword(body)
        if keyword == OB3_PNG_KEYWORD:
            return BakedPayload("png", "3.0", _decode_text_chunk(kind, body).strip())
        if keyword == OB2_PNG_KEYWORD and found_v2 is None:
            found_v2 = _decode_text_chunk(kind, body).strip()
    if found_v2 is not None:
        return BakedPayload("png", "2.0", found_v2)
    raise BakingError("the PNG image carries no Open Badges credential (no openbadgecredential)")


# --------------------------------------------------------------------------- SVG


def _parse_svg(data: bytes) -> etree._ElementTree:
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    if _ENTITY_DECLARATION.search(data):
        raise BakingError("SVG documents that declare XML entities are refused")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise BakingError(f"the SVG image is not well-formed XML: {exc}") from exc
    root = tree.getroot()
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError(f"not an SVG image (root element {root.tag!r})")
    return tree


def bake_svg(svg: bytes | str, payload: str) -> bytes:
    """A copy of the SVG with an OB 3.0 ``<openbadges:credential>`` (replacing any)."""
    text = _check_payload(payload)
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    tree = _parse_svg(data)
    root = tree.getroot()
    for old in root.findall(_OB3_CREDENTIAL):
        _remove_keeping_tail(old)
    element = etree.Element(_OB3_CREDENTIAL, nsmap={"openbadges": OB3_SVG_NAMESPACE})
    if _COMPACT_JWS.match(text):
        element.set("verify", text)
    elif "]]>" in text:
        element.text = text
    else:
        element.text = etree.CDATA(text)
    element.tail = root.text
    root.insert(0, element)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:  # pragma: no cover - the root is never removed
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _extract_svg(data: bytes) -> BakedPayload:
    root = _parse_svg(data).getroot()
    for tag, version in ((_OB3_CREDENTIAL, "3.0"), (_OB2_ASSERTION, "2.0")):
        element = next(root.iter(tag), None)
        if element is None:
            continue
        value = element.get("verify") or (element.text or "")
        value = value.strip()
        if not value:
            raise BakingError(f"the SVG <{tag}> element is empty")
        return BakedPayload("svg", "3.0" if version == "3.0" else "2.0", value)
    raise BakingError("the SVG image carries no Open Badges credential element")


# --------------------------------------------------------------------------- dispatch


def extract(data: bytes) -> BakedPayload:
    """Read the baked credential from PNG or SVG bytes; raises BakingError with the reason."""
    if not isinstance(data, bytes | bytearray):
        raise BakingError("extract() needs the image bytes")
    data = bytes(data)
    if data.startswith(_PNG_SIGNATURE):
        return _extract_png(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _extract_svg(data)
    raise BakingError("not a baked badge: the data is neither a PNG nor an SVG image")
