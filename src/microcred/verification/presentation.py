"""Verifiable presentations: signing one as a holder, and verifying one.

A presentation verifies when it follows the VC Data Model 2.0 (:mod:`.vcdm`), every term is
defined, its Data Integrity proof verifies with ``proofPurpose`` ``authentication``, the
proof's ``challenge`` and ``domain`` are the ones the verifier asked for, the proof's key
belongs to the ``holder`` (the same key resolution as for credentials: :func:`.keys.resolve_key`)
and every credential it carries verifies through the normal verifier. A credential without a
proof is accepted only when it is self-asserted: its issuer is the holder who signed the
presentation. Enveloped credentials (``EnvelopedVerifiableCredential``, a ``data:`` URL holding
a VC-JWT) are unwrapped and verified like any VC-JWT.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from microcred.contexts import ContextRegistry, default_registry
from microcred.errors import Error, ResolutionError, UndefinedTerm
from microcred.keys import KeyPair
from microcred.verification.common import issuer_of
from microcred.verification.contexts import canonicalize
from microcred.verification.keys import Resolver, resolve_key
from microcred.verification.report import Check, VerificationReport
from microcred.verification.vcdm import enveloped_problems, is_enveloped, presentation_problems

CredentialVerifier = Callable[[Any], VerificationReport]
_SUPPORTED = (
    ("DataIntegrityProof", "eddsa-rdfc-2022"),
    ("DataIntegrityProof", "eddsa-jcs-2022"),
    ("Ed25519Signature2020", None),
)
_ENVELOPED_MEDIA = ("application/vc-ld+jwt", "application/vc+jwt", "application/jwt")


@dataclass(slots=True)
class PresentationReport:
    """The outcome of :func:`verify_presentation`: the presentation's own checks and one
    credential report per embedded credential (in order)."""

    checks: list[Check] = field(default_factory=list)
    credentials: list[VerificationReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    @property
    def malformed(self) -> bool:
        return any(c.status == "fail" and c.code == "malformed" for c in self.checks)


def sign_presentation(
    presentation: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | str | None = None,
    registry: ContextRegistry | None = None,
) -> dict[str, Any]:
    """``presentation`` with an ``eddsa-rdfc-2022`` proof for ``authentication`` added."""
    suites: Any = importlib.import_module("microcred.suites")
    signed: dict[str, Any] = suites.eddsa_rdfc_2022.sign(
        presentation,
        key_pair,
        created=created,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        registry=registry,
    )
    return signed


def _holder_of(document: Mapping[str, Any]) -> str | None:
    holder = document.get("holder")
    value = holder.get("id") if isinstance(holder, Mapping) else holder
    return value if isinstance(value, str) else None


def _domain_matches(value: Any, wanted: str) -> bool:
    return value == wanted or (isinstance(value, list) and wanted in value)


def _proof_checks(
    document: Mapping[str, Any],
    resolver: Resolver | None,
    registry: ContextRegistry,
    challenge: str | None,
    domain: str | None,
) -> tuple[list[Check], bool]:
    """(the proof, challenge, domain and holder checks, whether the holder signed it)."""
    raw = document.get("proof")
    if raw is None or raw == []:
        return [Check("proof", "fail", "the presentation has no proof", code="no-proof")], False
    proofs = raw if isinstance(raw, list) else [raw]
    holder = _holder_of(document)
    checks: list[Check] = []
    holder_signed = False
    suites: Any = importlib.import_module("microcred.suites")
    for index, proof in enumerate(proofs):
        label = f"proof {index + 1} of {len(proofs)}" if len(proofs) > 1 else "proof"
        if not isinstance(proof, Mapping):
            checks.append(Check("proof", "fail", f"{label} is not an object", code="bad-proof"))
            continue
        if (proof.get("type"), proof.get("cryptosuite")) not in _SUPPORTED:
            checks.append(
                Check("proof", "fail", f"{label}: unsupported proof type", code="bad-proof")
            )
            continue
        if proof.get("proofPurpose") != "authentication":
            reason = f"{label}: proofPurpose must be authentication"
            checks.append(Check("proof", "fail", reason, code="bad-proof"))
            continue
        if challenge is not None and proof.get("challenge") != challenge:
            reason = f"{label}: its challenge {proof.get('challenge')!r} is not {challenge!r}"
            checks.append(Check("challenge", "fail", reason, code="bad-proof"))
            continue
        if domain is not None and not _domain_matches(proof.get("domain"), domain):
            reason = f"{label}: its domain {proof.get('domain')!r} is not {domain!r}"
            checks.append(Check("domain", "fail", reason, code="bad-proof"))
            continue
        try:
            key = resolve_key(proof.get("verificationMethod"), resolver, purpose="authentication")
        except ResolutionError as exc:
            reason = f"{label}: the key cannot be resolved: {exc}"
            checks.append(Check("proof", "fail", reason, code="unknown-issuer"))
            continue
        result = suites.verify_proof(document, proof, key.public, registry=registry)
        if not result.ok:
            checks.append(Check("proof", "fail", f"{label}: {result.reason}", code="tampered"))
            continue
        checks.append(Check("proof", "pass", f"{label}: {result.reason} (key from {key.how})"))
        if holder is None:
            checks.append(Check("holder", "skip", f"{label}: the presentation names no holder"))
        elif key.controller == holder:
            holder_signed = True
            checks.append(Check("holder", "pass", f"{label}: signed by the holder {holder}"))
        else:
            reason = f"{label}: the key's controller {key.controller} is not the holder {holder}"
            checks.append(Check("holder", "fail", reason, code="unknown-issuer"))
    if challenge is None and not any(isinstance(p, Mapping) and "challenge" in p for p in proofs):
        checks.append(Check("challenge", "skip", "no challenge was asked for"))
    return checks, holder_signed


def _enveloped_jwt(entry: Mapping[str, Any]) -> str | None:
    """The VC-JWT inside an enveloped credential's ``data:`` URL, or None."""
    url = entry.get("id")
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        return None
    media, *params = header.split(";")
    if media not in _ENVELOPED_MEDIA:
        return None
    if "base64" in params:
        try:
            return base64.b64decode(payload, validate=True).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            return None
    return unquote(payload)


def _credential_check(
    index: int,
    entry: Mapping[str, Any],
    verify: CredentialVerifier,
    holder: str | None,
    holder_signed: bool,
) -> tuple[Check, VerificationReport | None]:
    path = f"$.verifiableCredential[{index}]"
    if is_enveloped(entry):
        problems = enveloped_problems(entry, path)
        jwt = _enveloped_jwt(entry)
        if problems or jwt is None:
            why = "; ".join(str(p) for p in problems) or f"{path}.id holds no VC-JWT"
            return Check("credentials", "fail", why, scope=path, code="malformed"), None
        report = verify(jwt)
    else:
        report = verify(entry)
    if report.ok:
        return Check("credentials", "pass", f"{path}: valid", scope=path), report
    failed = {c.name for c in report.checks if c.status == "fail" and not c.scope}
    if (
        failed <= {"proof", "issuer"}
        and report.check("proof") is not None
        and report.check("proof").code == "no-proof"  # type: ignore[union-attr]
        and holder is not None
        and holder_signed
        and issuer_of(entry) == holder
    ):
        reason = f"{path}: self-asserted by the holder {holder} (secured by the presentation)"
        return Check("credentials", "pass", reason, scope=path), report
    return (
        Check("credentials", "fail", f"{path}: {report.verdict}", scope=path, code=report.verdict),
        report,
    )


def verify_presentation(
    document: Mapping[str, Any],
    *,
    verify: CredentialVerifier,
    resolver: Resolver | None = None,
    registry: ContextRegistry | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationReport:
    """Verify a presentation; ``verify`` verifies one embedded credential (the caller's
    verifier, with its resolver and key cut-offs). Never raises for bad input."""
    registry = registry or default_registry()
    report = PresentationReport()
    problems = presentation_problems(document)
    if problems:
        reason = "not a valid VC 2.0 presentation: " + "; ".join(str(p) for p in problems[:8])
        report.checks.append(Check("structure", "fail", reason, code="malformed"))
        return report
    report.checks.append(Check("structure", "pass", "a well-formed VC 2.0 presentation"))
    try:
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        unsecured.pop("verifiableCredential", None)  # each credential is checked on its own
        canonicalize(unsecured, registry)
        report.checks.append(Check("terms", "pass", "every property and type is defined"))
    except UndefinedTerm as exc:
        reason = f"{exc.path}: {exc.term!r} is not defined by the presentation's contexts"
        report.checks.append(Check("terms", "fail", reason, code="malformed"))
        return report
    except (Error, RecursionError) as exc:
        reason = f"JSON-LD processing failed: {exc or type(exc).__name__}"
        report.checks.append(Check("terms", "fail", reason, code="malformed"))
        return report
    try:
        proof_checks, holder_signed = _proof_checks(document, resolver, registry, challenge, domain)
    except Exception as exc:  # hostile input must never escape as an exception
        reason = f"the proof could not be checked ({type(exc).__name__})"
        proof_checks, holder_signed = [Check("proof", "fail", reason, code="bad-proof")], False
    report.checks.extend(proof_checks)
    raw = document.get("verifiableCredential")
    entries = raw if isinstance(raw, list) else [raw] if raw is not None else []
    holder = _holder_of(document)
    for index, entry in enumerate(entries):
        check, nested = _credential_check(index, entry, verify, holder, holder_signed)
        report.checks.append(check)
        if nested is not None:
            report.credentials.append(nested)
    return report


def verifier_for(
    *, now: datetime, resolver: Resolver | None = None, registry: ContextRegistry | None = None
) -> CredentialVerifier:
    """The core verifier as a :data:`CredentialVerifier` (for callers without their own)."""
    from microcred.verification.pipeline import verify_credential

    def run(data: Any) -> VerificationReport:
        return verify_credential(data, now=now, resolver=resolver, registry=registry)

    return run
