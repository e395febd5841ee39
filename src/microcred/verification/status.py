"""The status check: BitstringStatusList entries and 1EdTech revocation lists.

A status list the resolver cannot provide leaves the status *unknown* (code
``status-unknown``: a failure, or a warning when the policy allows unknown status); a set
status is a failure (``revoked`` / ``suspended``, also from a ``message`` list's
``statusMessage``); the status list credential itself is verified (without following its own
links). A malformed entry (e.g. a numeric ``statusListIndex``) is ``malformed``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from microcred.errors import ResolutionError, StatusListError
from microcred.verification.common import VerifyContext, issuer_of
from microcred.verification.keys import fetch
from microcred.verification.report import Check, Status

UNKNOWN = "status-unknown"


def check_status(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
    raw = document.get("credentialStatus")
    if raw is None:
        return [Check("status", "skip", "the credential has no credentialStatus")]
    if not ctx.follow_links:
        return [Check("status", "skip", "status of a status list is not followed")]
    entries = raw if isinstance(raw, list) else [raw]
    results = [_status_entry(entry, document, ctx) for entry in entries]
    for status in ("fail", "warn"):
        picked = [r for r in results if r.status == status]
        picked.sort(key=lambda r: r.code == UNKNOWN)  # a known failure outranks an unknown one
        if picked:
            return [
                Check("status", status, "; ".join(r.reason for r in picked), code=picked[0].code)
            ]
    return [Check("status", "pass", "; ".join(r.reason for r in results))]


def _unknown(what: str, ctx: VerifyContext) -> Check:
    """A status that could not be retrieved: unknown, never valid unless the policy allows."""
    status: Status = "warn" if ctx.allow_unknown_status else "fail"
    return Check("status", status, f"status unknown: {what}", code=UNKNOWN)


def _status_entry(entry: Any, document: Mapping[str, Any], ctx: VerifyContext) -> Check:
    if not isinstance(entry, Mapping):
        return Check("status", "fail", "a credentialStatus entry is not an object")
    kind = entry.get("type")
    if kind == "BitstringStatusListEntry":
        return _bitstring_entry(entry, document, ctx)
    if kind == "1EdTechRevocationList":
        return _revocation_list(entry, document, ctx)
    return Check("status", "warn", f"status type {kind!r} is not supported, so it was not checked")


def _bitstring_entry(
    entry: Mapping[str, Any], document: Mapping[str, Any], ctx: VerifyContext
) -> Check:
    status_module: Any = importlib.import_module("microcred.status.check")
    try:
        status_module.read_entry(entry)  # a malformed entry is malformed, reachable or not
    except StatusListError as exc:
        return Check("status", "fail", f"malformed status entry: {exc}", code="malformed")
    url = str(entry["statusListCredential"])
    try:
        list_document = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return _unknown(
            f"the status list could not be retrieved (STATUS_RETRIEVAL_ERROR: {exc})", ctx
        )
    list_report = ctx.verify(list_document, follow_links=False)
    if not list_report.ok:
        failed = [c for c in list_report.checks if c.status == "fail"]
        why = "; ".join(f"{c.name}: {c.reason}" for c in failed[:3])
        return Check(
            "status",
            "fail",
            f"STATUS_VERIFICATION_ERROR: the status list {url} does not verify ({why})",
        )
    list_issuer = issuer_of(list_document)
    if list_issuer != issuer_of(document):
        return Check(
            "status", "fail", f"the status list {url} is issued by {list_issuer}, not the issuer"
        )
    return _read_entry(entry, list_document, url)


def _read_entry(entry: Mapping[str, Any], list_document: Any, url: str) -> Check:
    status_module: Any = importlib.import_module("microcred.status.check")
    try:
        result = status_module.check_status(entry, list_document)
    except StatusListError as exc:
        code = "malformed" if exc.code == "MALFORMED_VALUE_ERROR" else ""
        return Check("status", "fail", f"{exc} ({url})", code=code)
    purpose = result.purpose
    if result.size > 1:
        where = f"entry {result.index} of {url} is {hex(result.value)}"
    else:
        where = f"bit {result.index} of {url}"
    if not result.set:
        meaning = "neither revoked nor suspended" if purpose == "message" else f"not {purpose}"
        return Check("status", "pass", f"{meaning} ({where})")
    code = _SET_CODE.get(purpose, "") or _message_code(result.message)
    if code:
        return Check("status", "fail", f"{code} ({purpose} {where})", code=code)
    if purpose == "message":
        said = result.message or "no message given"
        return Check("status", "fail", f"status message applies: {said} ({where})")
    return Check("status", "warn", f"status {purpose!r} is set ({where})")


_SET_CODE = {"revocation": "revoked", "suspension": "suspended"}


def _message_code(message: str) -> str:
    """``revoked`` / ``suspended`` for a message list whose message says so."""
    words = message.strip().lower()
    if words.startswith("revoked"):
        return "revoked"
    if words.startswith("suspended"):
        return "suspended"
    return ""


def _revocation_list(
    entry: Mapping[str, Any], document: Mapping[str, Any], ctx: VerifyContext
) -> Check:
    url = entry.get("id")
    if not isinstance(url, str):
        return Check("status", "fail", "the 1EdTechRevocationList entry has no id")
    try:
        listing = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return _unknown(f"the revocation list could not be retrieved: {exc}", ctx)
    revoked = listing.get("revokedCredential")
    if not isinstance(revoked, list):
        return Check("status", "fail", f"the revocation list {url} has no revokedCredential array")
    credential_id = document.get("id")
    for item in revoked:
        listed = isinstance(item, Mapping) and item.get("id") == credential_id
        if listed and item.get("revoked", True) is not False:
            why = item.get("revocationReason")
            detail = f": {why}" if isinstance(why, str) else ""
            return Check("status", "fail", f"revoked by its issuer{detail} ({url})", code="revoked")
    return Check("status", "pass", f"not on the revocation list {url}")
