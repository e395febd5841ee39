"""Reading and verifying a credential earned elsewhere (upload or hosted OB 2.0 URL).

Verification is the engine's (:func:`microcred.verify.verify_credential`): contexts are the
pinned ones, our own issuers are resolved from the database, and a foreign did:web, status
list or hosted assertion only through :class:`~microcred_web.common.safe_fetch.GuardedResolver`
(https, public addresses, size and time limits); if that fails, the check says so and the
import is labelled "unknown issuer" or "not verifiable" — and kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from microcred.baking import extract
from microcred.errors import AmbiguousJSON
from microcred.errors import Error as CoreError
from microcred.model.eu_elements import is_eu_alignment
from microcred.verification.common import issuer_of
from microcred.verify import VerificationReport, decode_input, verify_credential
from microcred_web.common.errors import ApplicationError
from microcred_web.common.safe_fetch import (
    FetchedDocument,
    GuardedResolver,
    UnsafeFetch,
    safe_fetch,
)
from microcred_web.common.text_input import refuse_unpaired_surrogates
from microcred_web.issuing.check_words import place_words
from microcred_web.issuing.identity import host_did
from microcred_web.issuing.verification import LocalResolver, credential_verify
from microcred_web.wallet.models import ImportFormat, ImportLabel

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # a baked PNG is usually far below this
MAX_FETCH_BYTES = 500_000
FETCH_TIMEOUT = 5.0

Fetch = Callable[[str], FetchedDocument]

_LABELS = {
    "valid": ImportLabel.VALID,
    "expired": ImportLabel.EXPIRED,
    "revoked": ImportLabel.REVOKED,
    "suspended": ImportLabel.SUSPENDED,
    "tampered": ImportLabel.TAMPERED,
    "unknown-issuer": ImportLabel.UNKNOWN_ISSUER,
    "status-unknown": ImportLabel.STATUS_UNKNOWN,
}


@dataclass(frozen=True)
class ReadCredential:
    """What an import found: the format, the stored payload and the verification report."""

    source_format: str
    payload: str
    document: Mapping[str, Any]
    report: VerificationReport

    @property
    def label(self) -> str:
        return str(_LABELS.get(self.report.verdict, ImportLabel.INVALID))


def guarded_resolver(fetch: Fetch | None = None) -> GuardedResolver:
    return GuardedResolver(
        local=LocalResolver(),
        local_prefixes=[str(settings.BASE_URL).rstrip("/") + "/", host_did() + ":"],
        fetch=fetch,
        max_bytes=MAX_FETCH_BYTES,
        timeout=FETCH_TIMEOUT,
    )


def _format_of(data: bytes, container: str) -> str:
    if container in ("png", "svg"):
        return container
    return ImportFormat.JWT if container == "jwt" else ImportFormat.JSON


def read_credential(
    data: bytes,
    *,
    now: datetime,
    field: str = "file",
    fetch: Fetch | None = None,
    resolver: GuardedResolver | None = None,
) -> ReadCredential:
    """Decode and verify ``data`` (JSON, JWT, baked PNG/SVG). Raises ApplicationError naming
    ``field`` when no credential can be read at all; a credential that does not verify is
    returned with its report (the caller keeps it, labelled). A ``resolver`` shared by several
    calls fetches each foreign document (a status list) once."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ApplicationError(
            "import_too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            field=field,
            status=413,
        )
    if not data.strip():
        raise ApplicationError("import_empty", _("The file is empty."), field=field)
    hosted = _hosted_url_in_image(data)
    if hosted is not None:  # an OB 2.0 image baked with the URL of its hosted assertion
        data = fetch_hosted(hosted, field=field, fetch=fetch)
    try:
        decoded = decode_input(data)
    except (CoreError, ValueError, UnicodeError) as exc:
        raise ApplicationError(
            "import_unreadable",
            _("No credential could be read from this file: %(reason)s")
            % {"reason": _unreadable_words(exc)},
            field=field,
        ) from exc
    document = decoded.document
    refuse_unpaired_surrogates(document, field, code="import_unreadable")
    payload = decoded.jwt.token if decoded.jwt is not None else _json_text(document)
    issuer = issuer_of(document) or ""
    if issuer.startswith(host_did() + ":"):
        report = credential_verify(data, now=now).report  # ours: key cut-offs and suspension
    else:
        report = verify_credential(data, now=now, resolver=resolver or guarded_resolver(fetch))
    return ReadCredential(_format_of(data, decoded.container), payload, document, report)


def _unreadable_words(exc: Exception) -> str:
    """A key given twice in plain words with its place (decision 0018), else the reader's own."""
    if isinstance(exc, AmbiguousJSON) and exc.problems:
        first = exc.problems[0]
        return place_words(first.path, first.message, signed=False) or str(exc)
    return str(exc)


def _hosted_url_in_image(data: bytes) -> str | None:
    if not (data.startswith(b"\x89PNG") or data[:512].lstrip().startswith(b"<")):
        return None
    try:
        baked = extract(data)
    except CoreError:
        return None  # decode_input reports why
    payload = baked.payload.strip()
    return payload if baked.version == "2.0" and payload.startswith("http") else None


def fetch_hosted(url: str, *, field: str, fetch: Fetch | None = None) -> bytes:
    """The document at ``url``, fetched only through the guarded fetcher."""
    url = url.strip()
    if len(url) > 500:
        raise ApplicationError("url_too_long", _("The address is too long."), field=field)
    try:
        if fetch is not None:
            fetched = fetch(url)
        else:
            fetched = safe_fetch(url, max_bytes=MAX_FETCH_BYTES, timeout=FETCH_TIMEOUT)
    except UnsafeFetch as exc:
        raise ApplicationError(
            "fetch_refused",
            _("The address could not be used: %(reason)s") % {"reason": exc.message},
            field=field,
        ) from exc
    return fetched.body


def _json_text(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("@value"), str):
        return str(value["@value"])  # a language value object
    if isinstance(value, Mapping):  # a language map
        for item in value.values():
            if isinstance(item, str):
                return item
    if isinstance(value, list):  # several language values: the first
        return next((text for text in map(_text, value[:20]) if text), "")
    return ""


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def summary(document: Mapping[str, Any]) -> dict[str, Any]:
    """Name, description, issuer, dates and skills of an OB 3.0 credential or OB 2.0 assertion."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    badge = document.get("badge")
    source = achievement if isinstance(achievement, Mapping) else badge
    source = source if isinstance(source, Mapping) else {}
    issuer = document.get("issuer") or (badge.get("issuer") if isinstance(badge, Mapping) else "")
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, Mapping) else ""
    issuer_id = (issuer.get("id") if isinstance(issuer, Mapping) else issuer) or ""
    alignments = source.get("alignment") or []
    skills = [
        _text(a.get("targetName"))
        for a in (alignments if isinstance(alignments, list) else [])
        if isinstance(a, Mapping) and _text(a.get("targetName")) and not is_eu_alignment(a)
    ]
    return {
        "name": (_text(source.get("name")) or _text(document.get("name")))[:300],
        "description": _text(source.get("description"))[:5000],
        "issuer_name": (issuer_name or str(issuer_id))[:300],
        "issuer_id": str(issuer_id)[:500],
        "issued_on": _when(
            document.get("validFrom") or document.get("issuanceDate") or document.get("issuedOn")
        ),
        "expires_on": _when(
            document.get("validUntil") or document.get("expirationDate") or document.get("expires")
        ),
        "skills": skills[:50],
    }
