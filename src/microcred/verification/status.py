"""The status check: BitstringStatusList entries and 1EdTech revocation lists.

A status list the resolver cannot provide is a warning; a set bit is a failure; the status
list credential itself is verified (without following its own links).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from microcred.errors import ResolutionError
from microcred.verification.common import VerifyContext, issuer_of
from microcred.verification.keys import fetch
from microcred.verification.report import Check


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
        if picked:
            return [
                Check("status", status, "; ".join(r.reason for r in picked), code=picked[0].code)
            ]
    return [Check("status", "pass", "; ".join(r.reason for r in results))]


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
    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str):
        return Check("status", "fail", "the status entry names no statusListCredential")
    try:
        list_document = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return Check("status", "warn", f"the status list could not be checked: {exc}")
    list_report = ctx.verify(list_document, follow_links=False)
    if not list_report.ok:
        failed = [c for c in list_report.checks if c.status == "fail"]
        why = "; ".join(f"{c.name}: {c.reason}" for c in failed[:3])
        return Check("status", "fail", f"the status list {url} does not verify ({why})")
    list_issuer = issuer_of(list_document)
    if list_issuer != issuer_of(document):
        return Check(
            "status", "fail", f"the status list {url} is issued by {list_issuer}, not the issuer"
        )
    status_module: Any = importlib.import_module("microcred.status")
    result = status_module.check_status(entry, list_document)
    if result.set:
        code = {"revocation": "revoked", "suspension": "suspended"}.get(str(result.purpose), "")
        if code:
            return Check(
                "status",
                "fail",
                f"{code} ({purpose} bit {result.index} is set in {url})",
                code=code,
            )
        return Check("status", "warn", f"status {purpose!r} bit {result.index} is set")
    return Check("status", "pass", f"not {purpose or 'revoked'} (bit {result.index} of {url})")


def _revocation_list(
    entry: Mapping[str, Any], document: Mapping[str, Any], ctx: VerifyContext
) -> Check:
    url = entry.get("id")
    if not isinstance(url, str):
        return Check("status", "fail", "the 1EdTechRevocationList entry has no id")
    try:
        listing = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return Check("status", "warn", f"the revocation list could not be checked: {exc}")
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
