"""What a visitor may hand the public verifier, and the refusals, before anything is parsed.

Every refusal is an :class:`ApplicationError` naming the field (``credential``, ``file``,
``url``) with a sentence the visitor can act on. Nothing here fetches anything except
:func:`from_url` for a foreign https URL, and only through the guarded fetcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import FetchedDocument, UnsafeFetch, safe_fetch
from microcred_web.common.text_input import refuse_escaped_surrogates, refuse_unpaired_surrogates

MAX_INPUT_BYTES: Final = 2 * 1024 * 1024
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_OUR_CREDENTIAL: Final = re.compile(r"^/credentials/([0-9a-f-]{36})(?:/|\.json|\.jwt)?$")


@dataclass(frozen=True, slots=True)
class Submission:
    """What to verify: text (JSON/JWT) or bytes (a file), and where it came from."""

    data: str | bytes
    source: str  # "text", "file", "url", "local-url"
    url: str = ""
    public_id: str = ""  # our credential, when a URL of ours named it


#: the fetch function used for foreign URLs (the guarded fetcher; tests wrap it to spy)
fetcher: Callable[..., FetchedDocument] = safe_fetch


def too_large(field: str) -> ApplicationError:
    return ApplicationError(
        "too_large",
        _("This is larger than %(mb)d MB, so it was not read.") % {"mb": MAX_INPUT_BYTES >> 20},
        field,
        status=413,
    )


def from_text(text: str, *, field: str = "credential") -> Submission:
    if len(text) > MAX_INPUT_BYTES:
        raise too_large(field)
    text = text.strip()
    if not text:
        raise ApplicationError(
            "empty", _("Paste a credential (JSON or JWT), upload a file, or give a URL."), field
        )
    refuse_unpaired_surrogates(text, field)
    refuse_escaped_surrogates(text, field)
    if text.startswith("<"):
        screen_svg(text.encode("utf-8"), field=field)
    return Submission(text, "text")


def from_upload(data: bytes, *, field: str = "file") -> Submission:
    if len(data) > MAX_INPUT_BYTES:
        raise too_large(field)
    if not data.strip():
        raise ApplicationError("empty", _("The file is empty."), field)
    if data.startswith(PNG_MAGIC):
        return Submission(data, "file")
    head = data[:512].lstrip()
    if head.startswith(b"<"):
        screen_svg(data, field=field)
        return Submission(data, "file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "unsupported_file",
            _("This file is not a credential: upload a PNG or SVG badge, JSON or a JWT."),
            field,
        ) from exc
    refuse_escaped_surrogates(data, field)
    return Submission(text, "file")


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def screen_svg(data: bytes, *, field: str) -> None:
    """Parse an SVG with defusedxml and refuse DTDs, entities and anything scriptable.

    The SVG is never shown to anyone; the credential baked into it is extracted by the core.
    """
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise ApplicationError(
            "svg_refused",
            _("This SVG declares a DTD or entities, which are refused for safety."),
            field,
        ) from exc
    except (ParseError, ValueError) as exc:
        raise ApplicationError(
            "svg_malformed", _("This SVG is not well-formed XML, so it was not read."), field
        ) from exc
    if _local_name(root.tag) != "svg":
        raise ApplicationError("svg_malformed", _("This XML file is not an SVG image."), field)
    for element in root.iter():
        name = _local_name(str(element.tag))
        scripted = name in {"script", "foreignobject", "iframe", "embed", "object"}
        for attribute, value in element.attrib.items():
            attr = _local_name(attribute)
            if attr.startswith("on") or value.strip().lower().startswith("javascript:"):
                scripted = True
        if scripted:
            raise ApplicationError(
                "svg_scripted",
                _("This SVG contains scripts or embedded content, so it was refused."),
                field,
            )


def our_public_id(url: str) -> str | None:
    """The credential id if ``url`` is a credential URL of this site (page, .json or .jwt)."""
    base = str(settings.BASE_URL).rstrip("/")
    if not url.startswith(base + "/"):
        return None
    match = _OUR_CREDENTIAL.match(url[len(base) :].split("?", 1)[0].split("#", 1)[0])
    return match[1] if match else None


def from_url(url: str, *, field: str = "url") -> Submission:
    """Our credential URLs are read from the database; foreign ones through the guarded fetch."""
    url = url.strip()
    if len(url) > 2000:
        raise ApplicationError("url_invalid", _("This address is too long."), field)
    refuse_unpaired_surrogates(url, field, code="url_invalid")
    public_id = our_public_id(url)
    if public_id is not None:
        return Submission("", "local-url", url=url, public_id=public_id)
    base = str(settings.BASE_URL).rstrip("/")
    if url.startswith(base + "/") or url == base:
        raise ApplicationError(
            "url_not_credential", _("This address of this site is not a credential."), field
        )
    if not url.lower().startswith("https://"):
        raise ApplicationError(
            "url_refused", _("Only https:// addresses are fetched; this one was refused."), field
        )
    try:
        fetched = fetcher(url, max_bytes=MAX_INPUT_BYTES, timeout=5.0)
    except UnsafeFetch as exc:
        raise ApplicationError(
            "url_refused",
            _("This address was not fetched: %(why)s.") % {"why": exc.message},
            field,
        ) from exc
    body = fetched.body
    if fetched.content_type == "image/svg+xml" or body[:512].lstrip().startswith(b"<"):
        screen_svg(body, field=field)
    return Submission(body, "url", url=fetched.url)
