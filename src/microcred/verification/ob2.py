"""Open Badges 2.0 assertions: hosted (fetched and compared) and signed (JWS) verification."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from microcred.errors import Error, ResolutionError
from microcred.model import parse_datetime
from microcred.verification.common import OB2_CONTEXTS, VerifyContext, types_of
from microcred.verification.input import Decoded
from microcred.verification.keys import fetch
from microcred.verification.ob2_keys import ob2_signing_key
from microcred.verification.report import Check

_OB2_VOCAB = "https://w3id.org/openbadges#"


def is_ob2(document: Mapping[str, Any]) -> bool:
    contexts = document.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    return any(c in OB2_CONTEXTS for c in items) or "Assertion" in types_of(document)


def ob2_checks(decoded: Decoded, ctx: VerifyContext) -> list[Check]:
    """The checks of an OB 2.0 Assertion, as the 1EdTech validator runs them: structure, the
    OB 2.0 context, the types of the assertion / BadgeClass / issuer Profile, hosted or signed
    verification (hosted: the issuer's verification policy and the hosted copy), dates, and
    revocation (the assertion's own flag and the issuer's revocation list)."""
    assertion = decoded.document
    checks = [_ob2_structure(assertion), ob2_context_check(assertion)]
    badge, issuer, issuer_check = ob2_issuer_graph(assertion, ctx)
    checks.append(ob2_types_check(assertion, badge, issuer))
    verification = assertion.get("verification")
    kind = verification.get("type") if isinstance(verification, Mapping) else None
    if kind in ("hosted", "HostedBadge"):
        checks.append(_ob2_hosted_verified(assertion, issuer, ctx))
    elif kind in ("signed", "SignedBadge"):
        checks.append(_ob2_signed(decoded, ctx))
    else:
        checks.append(Check("proof", "fail", f"unknown OB 2.0 verification type {kind!r}"))
    checks.append(issuer_check)
    checks.extend(ob2_date_checks(assertion, ctx))
    checks.append(ob2_revocation_check(assertion, issuer, ctx))
    return checks


def _ob2_structure(assertion: Mapping[str, Any]) -> Check:
    problems: list[str] = []
    for name in ("id", "recipient", "badge", "verification", "issuedOn"):
        if name not in assertion:
            problems.append(f"$.{name} is required")
    recipient = assertion.get("recipient")
    if isinstance(recipient, Mapping) and not isinstance(recipient.get("identity"), str):
        problems.append("$.recipient.identity is required")
    if problems:
        return Check("structure", "fail", "not a valid OB 2.0 Assertion: " + "; ".join(problems))
    return Check("structure", "pass", "a well-formed OB 2.0 Assertion")


# --------------------------------------------------------------------------- context and types


def ob2_context_check(assertion: Mapping[str, Any]) -> Check:
    """The assertion must use the OB 2.0 context (``https://w3id.org/openbadges/v2``)."""
    contexts = assertion.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    if not any(isinstance(c, str) and c in OB2_CONTEXTS for c in items):
        shown = ", ".join(repr(c) for c in items if c is not None) or "none"
        return Check(
            "contexts",
            "fail",
            f"an OB 2.0 Assertion needs the OB 2.0 context {OB2_CONTEXTS[0]} (found: {shown})",
        )
    others = [c for c in items if not (isinstance(c, str) and c in OB2_CONTEXTS)]
    if others:
        return Check("contexts", "warn", f"contexts beside the OB 2.0 context: {others!r}")
    return Check("contexts", "pass", "the OB 2.0 context")


def _has_type(node: Mapping[str, Any] | None, *wanted: str) -> bool:
    if node is None:
        return False
    return any(t.removeprefix(_OB2_VOCAB) in wanted for t in types_of(node))


def ob2_types_check(
    assertion: Mapping[str, Any],
    badge: Mapping[str, Any] | None,
    issuer: Mapping[str, Any] | None,
) -> Check:
    """Assertion, BadgeClass and Issuer (or Profile) must each carry their OB 2.0 type."""
    problems: list[str] = []
    if not _has_type(assertion, "Assertion"):
        problems.append(f"the assertion's type is {assertion.get('type')!r}, not Assertion")
    if badge is not None and not _has_type(badge, "BadgeClass"):
        problems.append(f"the badge's type is {badge.get('type')!r}, not BadgeClass")
    if issuer is not None and not _has_type(issuer, "Issuer", "Profile"):
        problems.append(f"the issuer's type is {issuer.get('type')!r}, not Issuer or Profile")
    if problems:
        return Check("types", "fail", "wrong type: " + "; ".join(problems))
    return Check("types", "pass", "Assertion, BadgeClass and issuer Profile are typed")


# --------------------------------------------------------------------------- BadgeClass, issuer


def ob2_issuer_graph(
    assertion: Mapping[str, Any], ctx: VerifyContext
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None, Check]:
    """The assertion's BadgeClass (fetched when given as a URL) and its issuer Profile (always
    fetched from its id: an embedded copy could carry any verification policy), with the
    "issuer" check."""
    ref = assertion.get("badge")
    badge: Mapping[str, Any] | None = ref if isinstance(ref, Mapping) else None
    if isinstance(ref, str):
        try:
            badge = fetch(ctx.resolver, ref)
        except ResolutionError as exc:
            return None, None, _unknown(f"the BadgeClass could not be fetched: {exc}")
    if badge is None:
        return None, None, _unknown("the assertion names no BadgeClass")
    issuer_ref = badge.get("issuer")
    issuer_url = issuer_ref.get("id") if isinstance(issuer_ref, Mapping) else issuer_ref
    if not isinstance(issuer_url, str):
        return badge, None, _unknown("the BadgeClass names no issuer by URL")
    try:
        issuer = fetch(ctx.resolver, issuer_url)
    except ResolutionError as exc:
        return badge, None, _unknown(f"the issuer profile could not be fetched: {exc}")
    if issuer.get("id") != issuer_url:
        return badge, None, _unknown(f"the profile at {issuer_url} has the id {issuer.get('id')!r}")
    name = issuer.get("name")
    shown = f"{name} ({issuer_url})" if isinstance(name, str) else issuer_url
    return badge, issuer, Check("issuer", "pass", f"BadgeClass issued by {shown}")


def _unknown(reason: str) -> Check:
    return Check("issuer", "fail", reason, code="unknown-issuer")


# --------------------------------------------------------------------------- hosted verification


def _ob2_hosted_verified(
    assertion: Mapping[str, Any], issuer: Mapping[str, Any] | None, ctx: VerifyContext
) -> Check:
    """Hosted verification: the id within the issuer's policy, then the hosted copy."""
    url = assertion.get("id")
    if isinstance(url, str) and issuer is not None:
        problem = hosted_policy_problem(url, issuer)
        if problem:
            return Check("proof", "fail", problem, code="unknown-issuer")
    elif isinstance(url, str):
        return Check(
            "proof",
            "fail",
            "the issuer profile is needed to check where its assertions may be hosted",
            code="unknown-issuer",
        )
    return _ob2_hosted(assertion, ctx)


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def hosted_policy_problem(assertion_id: str, issuer: Mapping[str, Any]) -> str | None:
    """Why the issuer's verification policy does not cover a hosted assertion id, or None.

    OB 2.0 "Hosted verification": the issuer Profile's ``verification`` may list
    ``startsWith`` (URL prefixes) and ``allowedOrigins`` (host names); an id must match every
    rule given. Without either, the id must have the issuer profile id's origin."""
    parts = urlsplit(assertion_id)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"a hosted assertion's id must be an http(s) URL, not {assertion_id!r}"
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    prop = policy.get("verificationProperty", "id")
    if prop not in ("id", "@id"):
        return f"the issuer's verificationProperty {prop!r} is not supported (only id)"
    starts, origins = _strings(policy.get("startsWith")), _strings(policy.get("allowedOrigins"))
    if starts and not any(assertion_id.startswith(prefix) for prefix in starts):
        return (
            f"the assertion id {assertion_id} does not start with any of the issuer's"
            f" verification.startsWith {starts}"
        )
    host = (parts.hostname or "").lower()
    if origins and not {host, parts.netloc.lower()} & {o.lower() for o in origins}:
        return (
            f"the assertion is hosted on {parts.netloc}, not on one of the issuer's"
            f" verification.allowedOrigins {origins}"
        )
    if not starts and not origins:
        issuer_id = issuer.get("id")
        own = urlsplit(issuer_id) if isinstance(issuer_id, str) else None
        if own is None or (own.scheme, own.netloc.lower()) != (parts.scheme, parts.netloc.lower()):
            return (
                f"the assertion is hosted at {parts.scheme}://{parts.netloc}, not at the origin"
                f" of the issuer profile {issuer_id} (the issuer declares no verification policy)"
            )
    return None


# --------------------------------------------------------------------------- dates, revocation


def ob2_date_checks(assertion: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
    """``issuedOn`` must not be in the future; ``expires`` must be after now."""
    checks: list[Check] = []
    issued = assertion.get("issuedOn")
    try:
        if isinstance(issued, str) and parse_datetime(issued) > ctx.now:
            checks.append(
                Check(
                    "valid-from",
                    "fail",
                    f"issued on {issued}, which is in the future",
                    code="not-yet-valid",
                )
            )
        elif isinstance(issued, str):
            checks.append(Check("valid-from", "pass", f"issued on {issued}"))
    except ValueError as exc:
        checks.append(Check("valid-from", "fail", f"issuedOn: {exc}"))
    try:
        expires = assertion.get("expires")
        if isinstance(expires, str) and parse_datetime(expires) <= ctx.now:
            checks.append(Check("valid-until", "fail", f"expired on {expires}", code="expired"))
    except ValueError as exc:
        checks.append(Check("valid-until", "fail", str(exc)))
    return checks


def ob2_revocation_check(
    assertion: Mapping[str, Any], issuer: Mapping[str, Any] | None, ctx: VerifyContext
) -> Check:
    """Revoked when the assertion says so, or when the issuer's ``revocationList`` lists its
    id (or its ``uid``); a list that cannot be fetched leaves the status unknown."""
    if assertion.get("revoked") is True:
        why = assertion.get("revocationReason")
        detail = f": {why}" if isinstance(why, str) else ""
        return Check("status", "fail", f"the assertion says it is revoked{detail}", code="revoked")
    url = issuer.get("revocationList") if issuer is not None else None
    if url is None:
        if issuer is None:
            return Check("status", "skip", "no issuer profile, so no revocation list")
        return Check("status", "pass", "not revoked (the issuer publishes no revocation list)")
    if not isinstance(url, str):
        return Check("status", "fail", "the issuer's revocationList is not a URL")
    try:
        listing = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return Check(
            "status",
            "fail",
            f"the revocation status is unknown: the issuer's revocation list could not be"
            f" fetched ({exc})",
            code="status-unknown",
        )
    if not _has_type(listing, "RevocationList"):
        return Check("status", "fail", f"{url} is not a RevocationList", code="status-unknown")
    entry = _revocation_entry(listing.get("revokedAssertions"), assertion)
    if entry is None:
        return Check("status", "pass", f"not on the issuer's revocation list {url}")
    why = entry.get("revocationReason")
    detail = f": {why}" if isinstance(why, str) else ""
    return Check("status", "fail", f"revoked by its issuer{detail} ({url})", code="revoked")


def _revocation_entry(revoked: Any, assertion: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The revokedAssertions entry naming the assertion (by id, or by uid), or None."""
    assertion_id, uid = assertion.get("id"), assertion.get("uid")
    for item in revoked if isinstance(revoked, list) else []:
        if isinstance(item, str) and item == assertion_id:
            return {}
        if isinstance(item, Mapping) and (
            (assertion_id is not None and item.get("id") == assertion_id)
            or (uid is not None and item.get("uid") == uid)
        ):
            return item
    return None


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
