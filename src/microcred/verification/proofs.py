"""The proof check: Data Integrity proofs and VC-JWT signatures (with the issuer binding)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from microcred.errors import Error, ResolutionError
from microcred.keys import PublicKey
from microcred.model import parse_datetime
from microcred.verification.common import VerifyContext, issuer_of
from microcred.verification.input import JWT_ALGORITHMS, Decoded
from microcred.verification.issuer import binding, merge_bindings, retired_reason
from microcred.verification.keys import KeyInfo, issuer_key, resolve_key
from microcred.verification.report import Check


def check_proofs(
    decoded: Decoded, ctx: VerifyContext, unsecured_nquads: str | None = None
) -> list[Check]:
    """The proof check and the issuer check (which key signed, and is it the issuer's).

    ``unsecured_nquads`` (private to the pipeline): the RDFC-1.0 canonical N-Quads of the
    document without its proof, when already computed with ``ctx.registry``."""
    if decoded.jwt is not None:
        return _jwt_proof(decoded, ctx)
    document = decoded.document
    raw = document.get("proof")
    if raw is None or raw == []:
        return [
            Check("proof", "fail", "the credential has no proof", code="no-proof"),
            Check("issuer", "skip", "no proof, so no key to bind to the issuer"),
        ]
    proofs = raw if isinstance(raw, list) else [raw]
    outcomes: list[tuple[str, str, str]] = []  # (code, reason, label); code "" = ok
    bindings: list[Check] = []
    issuer_id = issuer_of(document)
    for index, proof in enumerate(proofs):
        label = f"proof {index + 1} of {len(proofs)}" if len(proofs) > 1 else "proof"
        outcome, key = _one_proof(document, proof, label, ctx, unsecured_nquads)
        outcomes.append(outcome)
        if key is not None:
            bindings.append(binding(key, issuer_id, outcome[2]))
    failed = [code for code, _, _ in outcomes if code]
    reason = "; ".join(text for _, text, _ in outcomes)
    checks: list[Check] = []
    if failed:
        code = next(
            (c for c in ("tampered", "unknown-issuer") if c in failed), failed[0] or "bad-proof"
        )
        checks.append(Check("proof", "fail", reason, code=code))
    else:
        checks.append(Check("proof", "pass", reason))
    checks.extend(merge_bindings(bindings))
    return checks


def _one_proof(
    document: Mapping[str, Any],
    proof: Any,
    label: str,
    ctx: VerifyContext,
    unsecured_nquads: str | None = None,
) -> tuple[tuple[str, str, str], KeyInfo | None]:
    """((code, reason, label), the key when the signature was checked); code "" = ok."""
    if not isinstance(proof, Mapping):
        return ("bad-proof", f"{label} is not an object", label), None
    shown = "/".join(str(proof.get(k)) for k in ("type", "cryptosuite") if proof.get(k))
    label = f"{label} ({shown or 'untyped'})"
    if not _supported(proof):
        return ("unsupported-proof", f"{label}: unsupported proof type", label), None
    if proof.get("proofPurpose") != "assertionMethod":
        return ("bad-proof", f"{label}: proofPurpose must be assertionMethod", label), None
    try:
        key = resolve_key(proof.get("verificationMethod"), ctx.resolver)
    except ResolutionError as exc:
        return ("unknown-issuer", f"{label}: the key cannot be resolved: {exc}", label), None
    retired = retired_reason(key, proof, ctx)
    if retired:
        return ("unknown-issuer", f"{label}: {retired}", label), None
    suites: Any = importlib.import_module("microcred.suites")
    rdfc: Any = suites.eddsa_rdfc_2022
    if unsecured_nquads is not None and rdfc.handles(proof):
        result = rdfc.verify_proof_with_nquads(
            document, proof, key.public, unsecured_nquads, registry=ctx.registry
        )
    else:
        result = suites.verify_proof(document, proof, key.public, registry=ctx.registry)
    if result.ok:
        expired = proof_expiry_problem(proof, ctx.now)
        if expired:
            return ("proof-expired", f"{label}: {expired}", label), key
        return ("", f"{label}: {result.reason} (key from {key.how})", label), key
    mismatch = "does not match" in result.reason or "invalid" in result.reason
    return ("tampered" if mismatch else "bad-proof", f"{label}: {result.reason}", label), key


def proof_expiry_problem(proof: Mapping[str, Any], now: datetime) -> str | None:
    """Why a proof is no longer valid (its ``expires`` is not after ``now``), or None.

    VC Data Integrity 1.0: a proof with ``expires`` in the past does not verify. The value's
    form is checked by the suite (an XML Schema ``dateTime``)."""
    expires = proof.get("expires")
    if expires is None:
        return None
    try:
        moment = parse_datetime(expires) if isinstance(expires, str) else None
    except ValueError:
        moment = None
    if moment is None:
        return f"the proof's expires value {expires!r} is not a date and time"
    if moment <= now:
        return f"the proof expired on {expires}: a proof is not valid after its expires time"
    return None


def _supported(proof: Mapping[str, Any]) -> bool:
    pair = (proof.get("type"), proof.get("cryptosuite"))
    return pair in (
        ("DataIntegrityProof", "eddsa-rdfc-2022"),
        ("DataIntegrityProof", "eddsa-jcs-2022"),
        ("DataIntegrityProof", "eddsa-2022"),
        ("Ed25519Signature2020", None),
    )


def _jwt_proof(decoded: Decoded, ctx: VerifyContext) -> list[Check]:
    jwt = decoded.jwt
    assert jwt is not None
    alg = jwt.header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        return [
            Check("proof", "fail", "JWT alg 'none' (unsigned) is refused", code="bad-proof"),
            Check("issuer", "skip", "no signature, so no key"),
        ]
    if alg not in JWT_ALGORITHMS:
        allowed = ", ".join(JWT_ALGORITHMS)
        return [
            Check("proof", "fail", f"JWT alg {alg!r} is not allowed ({allowed})", code="bad-proof"),
            Check("issuer", "skip", "no usable signature algorithm"),
        ]
    try:
        key = _jwt_key(jwt.header, issuer_of(decoded.document), ctx)
    except Error as exc:
        return [
            Check("proof", "fail", f"JWT key cannot be resolved: {exc}", code="unknown-issuer"),
            Check("issuer", "skip", "no key could be resolved"),
        ]
    retired = retired_reason(key, {"created": _jwt_signed_at(jwt.payload)}, ctx)
    if retired:
        return [
            Check("proof", "fail", f"JWT: {retired}", code="unknown-issuer"),
            Check("issuer", "skip", "the key was no longer the issuer's"),
        ]
    wanted = JWT_ALGORITHMS[alg]
    algorithm = key.public.algorithm
    if algorithm != wanted and not (wanted == "RSA" and algorithm.startswith("RS")):
        return [
            Check(
                "proof", "fail", f"JWT alg {alg} does not fit a {algorithm} key", code="bad-proof"
            ),
            Check("issuer", "skip", "the key does not fit the algorithm"),
        ]
    if not key.public.verify(jwt.signature, jwt.signing_input):
        return [
            Check("proof", "fail", f"JWS {alg} signature does not match", code="tampered"),
            Check("issuer", "skip", "the signature does not verify"),
        ]
    proof = Check("proof", "pass", f"JWS {alg} signature is valid (key from {key.how})")
    return [proof, _jwt_issuer(key, jwt.payload, issuer_of(decoded.document))]


def _jwt_signed_at(payload: Mapping[str, Any]) -> str | None:
    """When the JWT says it was signed, for the key cut-offs (as a proof's ``created``):
    ``iat``, else ``nbf``, else the credential's ``validFrom``; None if it says nothing."""
    for claim in ("iat", "nbf"):
        value = payload.get(claim)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return datetime.fromtimestamp(value, tz=UTC).isoformat()
            except (OverflowError, ValueError, OSError):
                return None
    valid_from = payload.get("validFrom")
    return valid_from if isinstance(valid_from, str) else None


def _jwt_key(header: Mapping[str, Any], issuer_id: str | None, ctx: VerifyContext) -> KeyInfo:
    """The key a JWT header names: ``kid`` resolved as any verification method, or an embedded
    ``jwk`` that counts only as an ``assertionMethod`` key of the issuer's own document."""
    if isinstance(header.get("kid"), str):
        return resolve_key(header["kid"], ctx.resolver)
    if isinstance(header.get("jwk"), Mapping):
        jwk = dict(header["jwk"])
        if "d" in jwk or "p" in jwk:
            raise ResolutionError("the header jwk carries private key material")
        try:
            return issuer_key(PublicKey.from_jwk(jwk), issuer_id, ctx.resolver)
        except ResolutionError as exc:
            raise ResolutionError(f"the jwk in the JWT header is not the issuer's: {exc}") from exc
    raise ResolutionError("the JWT header has neither kid nor jwk")


def _jwt_issuer(key: KeyInfo, payload: Mapping[str, Any], issuer_id: str | None) -> Check:
    """The issuer check of a VC-JWT whose signature verified."""
    iss = payload.get("iss")
    if iss is not None and iss != issuer_id:
        return Check(
            "issuer",
            "fail",
            f"JWT iss {iss!r} is not the issuer {issuer_id}",
            code="unknown-issuer",
        )
    return binding(key, issuer_id, "JWT")
