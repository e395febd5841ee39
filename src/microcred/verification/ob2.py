"""Open Badges 2.0 assertions: hosted (fetched and compared) and signed (JWS) verification."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from microcred.errors import Error, ResolutionError
from microcred.model import parse_datetime
from microcred.verification.common import OB2_CONTEXTS, VerifyContext, types_of
from microcred.verification.input import Decoded
from microcred.verification.keys import fetch
from microcred.verification.ob2_keys import ob2_signing_key
from microcred.verification.report import Check


def is_ob2(document: Mapping[str, Any]) -> bool:
    contexts = document.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    return any(c in OB2_CONTEXTS for c in items) or "Assertion" in types_of(document)


def ob2_checks(decoded: Decoded, ctx: VerifyContext) -> list[Check]:
    assertion = decoded.document
    problems: list[str] = []
    for name in ("id", "recipient", "badge", "verification", "issuedOn"):
        if name not in assertion:
            problems.append(f"$.{name} is required")
    recipient = assertion.get("recipient")
    if isinstance(recipient, Mapping) and not isinstance(recipient.get("identity"), str):
        problems.append("$.recipient.identity is required")
    verification = assertion.get("verification")
    kind = verification.get("type") if isinstance(verification, Mapping) else None
    checks: list[Check] = []
    if problems:
        checks.append(
            Check("structure", "fail", "not a valid OB 2.0 Assertion: " + "; ".join(problems))
        )
    else:
        checks.append(Check("structure", "pass", "a well-formed OB 2.0 Assertion"))
    if kind in ("hosted", "HostedBadge"):
        checks.append(_ob2_hosted(assertion, ctx))
    elif kind in ("signed", "SignedBadge"):
        checks.append(_ob2_signed(decoded, ctx))
    else:
        checks.append(Check("proof", "fail", f"unknown OB 2.0 verification type {kind!r}"))
    try:
        expires = assertion.get("expires")
        if isinstance(expires, str) and parse_datetime(expires) <= ctx.now:
            checks.append(Check("valid-until", "fail", f"expired on {expires}", code="expired"))
    except ValueError as exc:
        checks.append(Check("valid-until", "fail", str(exc)))
    revoked = assertion.get("revoked")
    if revoked is True:
        checks.append(Check("status", "fail", "the assertion says it is revoked", code="revoked"))
    return checks


def _ob2_hosted(assertion: Mapping[str, Any], ctx: VerifyContext) -> Check:
    url = assertion.get("id")
    if not isinstance(url, str):
        return Check("proof", "fail", "a hosted assertion needs its URL as id")
    try:
        hosted = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return Check(
            "proof",
            "fail",
            f"the hosted assertion could not be fetched: {exc}",
            code="unknown-issuer",
        )
    if json.dumps(hosted, sort_keys=True) != json.dumps(assertion, sort_keys=True):
        return Check(
            "proof", "fail", f"the assertion differs from the one hosted at {url}", code="tampered"
        )
    if hosted.get("revoked") is True:
        return Check("proof", "fail", "the hosted assertion is revoked", code="revoked")
    return Check("proof", "pass", f"matches the assertion hosted at {url}")


def _ob2_signed(decoded: Decoded, ctx: VerifyContext) -> Check:
    jwt = decoded.jwt
    if jwt is None:
        return Check("proof", "fail", "a signed OB 2.0 assertion must be given as its JWS")
    alg = jwt.header.get("alg")
    if alg not in ("RS256", "ES256", "EdDSA"):
        return Check("proof", "fail", f"JWS alg {alg!r} is refused", code="bad-proof")
    verification = decoded.document.get("verification")
    creator = verification.get("creator") if isinstance(verification, Mapping) else None
    if not isinstance(creator, str):
        return Check("proof", "fail", "verification.creator (the key URL) is missing")
    try:
        public = ob2_signing_key(decoded.document, creator, ctx.resolver)
    except Error as exc:
        return Check(
            "proof", "fail", f"the signing key cannot be resolved: {exc}", code="unknown-issuer"
        )
    if not public.verify(jwt.signature, jwt.signing_input):
        return Check("proof", "fail", "the JWS signature does not match", code="tampered")
    return Check("proof", "pass", f"JWS {alg} signature valid with {creator}")
