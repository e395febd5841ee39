from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import png
import pytest
from lxml import etree

from microcred.baking import OB3_SVG_NAMESPACE, bake_png, bake_svg, extract
from microcred.errors import BakingError

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
CREDENTIAL = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Zoë ]]"})
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n'
    b'  <circle cx="5" cy="5" r="4"/>\n</svg>\n'
)


def _tiny_png(extra: list[tuple[bytes, bytes]] | None = None) -> bytes:
    out = io.BytesIO()
    png.Writer(2, 2, greyscale=True).write(out, [[0, 255], [255, 0]])
    if not extra:
        return out.getvalue()
    chunks = list(png.Reader(bytes=out.getvalue()).chunks())
    rebuilt = io.BytesIO()
    png.write_chunks(rebuilt, chunks[:-1] + extra + chunks[-1:])
    return rebuilt.getvalue()


def _pixels(data: bytes) -> list[list[int]]:
    _, _, rows, _ = png.Reader(bytes=data).read()
    return [list(row) for row in rows]


@pytest.mark.parametrize(
    ("name", "is_jwt"),
    [
        ("simple-json.png", False),
        ("simple-json.svg", False),
        ("simple-jwt.png", True),
        ("simple-jwt.svg", True),
        ("simple-jwt_v1.png", True),
        ("simple-jwt_v1.svg", True),
    ],
)
def test_every_baked_fixture_extracts(name: str, is_jwt: bool) -> None:
    baked = extract((OB30 / name).read_bytes())
    assert baked.format == name.rsplit(".", 1)[1]
    assert baked.version == "3.0"
    assert baked.is_jwt is is_jwt
    if not is_jwt:
        credential = json.loads(baked.payload)
        assert "OpenBadgeCredential" in credential["type"]
        assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    else:
        assert baked.payload.count(".") == 2


@pytest.mark.parametrize("payload", [CREDENTIAL, JWT])
def test_png_round_trip_replaces_and_keeps_pixels(payload: str) -> None:
    original = _tiny_png()
    baked = bake_png(original, "first")
    rebaked = bake_png(baked, payload)
    result = extract(rebaked)
    assert (result.format, result.version, result.payload) == ("png", "3.0", payload)
    kinds = [kind for kind, _ in png.Reader(bytes=rebaked).chunks()]
    assert kinds.count(b"iTXt") == 1 and kinds[-2:] == [b"iTXt", b"IEND"]
    assert _pixels(rebaked) == _pixels(original)


def test_rebaking_a_fixture_png_replaces_its_credential() -> None:
    rebaked = bake_png((OB30 / "simple-json.png").read_bytes(), JWT)
    assert extract(rebaked).payload == JWT


@pytest.mark.parametrize("kind", [b"tEXt", b"iTXt"])
def test_png_open_badges_2_assertion(kind: bytes) -> None:
    url = "https://issuer.example/assertions/1"
    body = b"openbadges\0" + (url.encode() if kind == b"tEXt" else b"\0\0\0\0" + url.encode())
    result = extract(_tiny_png([(kind, body)]))
    assert (result.version, result.payload) == ("2.0", url)


def test_png_compressed_itxt_is_read_and_bombs_are_refused() -> None:
    compressed = b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(CREDENTIAL.encode())
    assert extract(_tiny_png([(b"iTXt", compressed)])).payload == CREDENTIAL
    bomb = b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(b"a" * (5 * 1024 * 1024), 9)
    with pytest.raises(BakingError, match="expands beyond"):
        extract(_tiny_png([(b"iTXt", bomb)]))


@pytest.mark.parametrize("payload", [CREDENTIAL, JWT])
def test_svg_round_trip(payload: str) -> None:
    baked = bake_svg(SVG, "placeholder")
    rebaked = bake_svg(baked.decode(), payload)
    result = extract(rebaked)
    assert (result.format, result.version, result.payload) == ("svg", "3.0", payload)
    root = etree.fromstring(rebaked)
    elements = root.findall(f"{{{OB3_SVG_NAMESPACE}}}credential")
    assert len(elements) == 1 and root[0] is elements[0]
    assert (elements[0].get("verify") is not None) is (payload == JWT)
    assert root.find("{http://www.w3.org/2000/svg}circle") is not None


def test_svg_json_goes_in_cdata_when_possible() -> None:
    baked = bake_svg(SVG, '{"a": "<b>"}')
    assert b'<![CDATA[{"a": "<b>"}]]>' in baked
    assert extract(baked).payload == '{"a": "<b>"}'


def test_svg_fixture_with_doctype_rebakes() -> None:
    rebaked = bake_svg((OB30 / "simple-json.svg").read_bytes(), JWT)
    assert b"<!DOCTYPE svg" in rebaked
    assert extract(rebaked).payload == JWT


def test_svg_open_badges_2_assertion() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<openbadges:assertion verify="https://issuer.example/a/1"/></svg>'
    )
    result = extract(svg)
    assert (result.version, result.payload) == ("2.0", "https://issuer.example/a/1")


def test_entity_expansion_svg_is_refused() -> None:
    lol = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n <!ENTITY a "aaaaaaaaaa">\n'
        b' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        b' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b"<openbadges:credential>&c;</openbadges:credential></svg>"
    )
    with pytest.raises(BakingError, match="entities"):
        extract(lol)
    with pytest.raises(BakingError, match="entities"):
        bake_svg(lol, CREDENTIAL)


def test_external_entity_is_never_resolved() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "file:///etc/passwd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    with pytest.raises(BakingError, match="no Open Badges credential"):
        extract(xxe)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a....", "neither a PNG nor an SVG"),
        (b"", "neither a PNG nor an SVG"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRbroken", "damaged"),
        (b"<html><body/></html>", "not an SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "well-formed"),
        (SVG, "no Open Badges credential"),
    ],
)
def test_unusable_input_gives_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        extract(data)


def test_png_without_credential_and_bad_payloads() -> None:
    with pytest.raises(BakingError, match="no Open Badges credential"):
        extract(_tiny_png())
    with pytest.raises(BakingError, match="non-empty"):
        bake_png(_tiny_png(), "  ")
    with pytest.raises(BakingError, match="not a PNG"):
        bake_png(SVG, CREDENTIAL)
