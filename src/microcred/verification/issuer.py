"""The issuer check: does the proof's key belong to the issuer, and was it still in use?

The key's controller (a did:key, or the controller document that lists the key under
``assertionMethod``) must be the issuer itself; an issuer id nothing can dereference
(``urn:uuid:…``) binds no key (docs/decisions/0017)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.model import parse_datetime
from microcred.verification.common import VerifyContext
from microcred.verification.keys import KeyInfo
from microcred.verification.report import Check


def binding(key: KeyInfo, issuer_id: str | None, label: str) -> Check:
    if issuer_id is None:
        return Check("issuer", "fail", f"{label}: the credential names no issuer", code="")
    if key.controller == issuer_id:
        return Check("issuer", "pass", f"{label}: the key belongs to the issuer {issuer_id}")
    if not issuer_id.startswith(("did:key:", "did:web:", "https://", "http://")):
        return Check(
            "issuer",
            "fail",
            f"{label}: the issuer id {issuer_id} cannot be dereferenced, so nothing binds "
            f"the key to it; the credential is signed by {key.controller}",
            code="unknown-issuer",
        )
    return Check(
        "issuer",
        "fail",
        f"{label}: the key's controller {key.controller} is not the issuer {issuer_id}",
        code="unknown-issuer",
    )


def retired_reason(key: KeyInfo, proof: Mapping[str, Any], ctx: VerifyContext) -> str | None:
    retired_at = ctx.retired_keys.get(key.id)
    if retired_at is None and key.public.algorithm != "RSA":  # RSA has no Multikey form
        retired_at = ctx.retired_keys.get(key.public.to_multibase())
    if retired_at is None:
        return None
    created = proof.get("created")
    try:
        signed = parse_datetime(created) if isinstance(created, str) else None
    except ValueError:
        signed = None
    if signed is None or signed >= retired_at:
        return f"key {key.id} was retired and cannot sign after {retired_at.isoformat()}"
    return None


def merge_bindings(bindings: list[Check]) -> list[Check]:
    if not bindings:
        return [Check("issuer", "skip", "no key could be resolved to bind to the issuer")]
    for status in ("fail", "warn"):
        picked = [b for b in bindings if b.status == status]
        if picked:
            code = picked[0].code
            return [Check("issuer", status, "; ".join(b.reason for b in picked), code=code)]
    return [Check("issuer", "pass", "; ".join(b.reason for b in bindings))]
