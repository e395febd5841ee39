"""The safe recipes: ``verify_credential`` (every check, one report) and ``issue_credential``.

``verify_credential`` accepts JSON text or an object, a compact VC-JWT, or a baked PNG/SVG,
and returns a :class:`VerificationReport` listing each check in order — parse, structure,
schema, contexts, types, terms, proof, issuer, valid-from, valid-until, status, refresh,
endorsements — each with a plain-language reason. It never raises for bad input: every
exception inside a check becomes a failed check. Contexts are never fetched; documents
(keys, status lists, refresh and schema resources) come only through the caller's resolver.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from microcred import schema as schemas
from microcred._verify_input import JWT_ALGORITHMS, Decoded, decode_input
from microcred._verify_keys import KeyInfo, Resolver, fetch, resolve_key
from microcred.contexts import ContextRegistry, default_registry
from microcred.errors import (
    ContextError,
    Error,
    InvalidCredential,
    InvalidInput,
    LimitExceeded,
    Problem,
    ResolutionError,
    SigningError,
    UndefinedTerm,
    UnknownContext,
)
from microcred.keys import KeyPair, PublicKey
from microcred.model import (
    VC_V1,
    VC_V2,
    AnyCredential,
    check_limits,
    parse_credential,
    parse_datetime,
)

Status = Literal["pass", "fail", "warn", "skip"]
Verdict = Literal[
    "valid",
    "invalid",
    "revoked",
    "suspended",
    "expired",
    "not-yet-valid",
    "tampered",
    "unknown-issuer",
    "malformed",
]

CHECK_ORDER = (
    "parse",
    "structure",
    "schema",
    "contexts",
    "types",
    "terms",
    "proof",
    "issuer",
    "valid-from",
    "valid-until",
    "status",
    "refresh",
    "endorsements",
)

OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")
KNOWN_TYPES = (*OB_TYPES, "EndorsementCredential", "ClrCredential")
OTHER_VC_TYPES = ("BitstringStatusListCredential",)
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_CONTEXT_CURRENT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/context"
OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
MAX_NESTING = 3


@dataclass(frozen=True, slots=True)
class Check:
    """One check: ``name`` (see :data:`CHECK_ORDER`), ``status``, a plain-language ``reason``.

    ``scope`` is empty for the credential itself, or the JSON path of an embedded credential
    (an endorsement) the finding belongs to; ``code`` is a short machine-readable cause.
    """

    name: str
    status: Status
    reason: str
    scope: str = ""
    code: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name, "status": self.status, "reason": self.reason}
        if self.scope:
            out["scope"] = self.scope
        if self.code:
            out["code"] = self.code
        return out


@dataclass(slots=True)
class VerificationReport:
    """The outcome of :func:`verify_credential`."""

    checks: list[Check] = field(default_factory=list)
    credential: AnyCredential | None = None
    document: Mapping[str, Any] | None = None
    container: str = ""

    @property
    def verdict(self) -> Verdict:
        """One word for the whole report (the most serious failure wins)."""
        failed = [c for c in self.checks if c.status == "fail" and not c.scope]
        if not failed:
            nested = any(c.status == "fail" for c in self.checks)
            return "invalid" if nested else "valid"
        codes = {c.code for c in failed}
        ranked: tuple[Verdict, ...] = (
            "malformed",
            "tampered",
            "unknown-issuer",
            "revoked",
            "suspended",
        )
        for verdict in ranked:
            if verdict in codes:
                return verdict
        if any(c.name == "parse" for c in failed):
            return "malformed"
        if codes & {"expired", "not-yet-valid"} and all(
            c.name in ("valid-from", "valid-until", "schema", "structure") for c in failed
        ):
            return "expired" if "expired" in codes else "not-yet-valid"
        return "invalid"

    @property
    def ok(self) -> bool:
        """True when the credential is valid (no check failed)."""
        return self.verdict == "valid"

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == "warn"]

    def check(self, name: str) -> Check | None:
        """The first top-level check called ``name``."""
        return next((c for c in self.checks if c.name == name and not c.scope), None)

    def to_json(self) -> dict[str, Any]:
        credential_id = self.document.get("id") if self.document is not None else None
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "container": self.container,
            "id": credential_id if isinstance(credential_id, str) else None,
            "checks": [c.to_json() for c in self.checks],
        }


# ============================================================================ the verifier


@dataclass(slots=True)
class _Context:
    now: datetime
    resolver: Resolver | None
    registry: ContextRegistry
    retired_keys: Mapping[str, datetime]
    depth: int = 0
    follow_links: bool = True


def verify_credential(
    data: str | bytes | Mapping[str, Any],
    *,
    now: datetime,
    resolver: Resolver | None = None,
    registry: ContextRegistry | None = None,
    retired_keys: Mapping[str, datetime] | Iterable[str] | None = None,
) -> VerificationReport:
    """Verify a credential given as JSON text/object, a compact VC-JWT or a baked PNG/SVG.

    ``now`` is the time the dates are checked against (a naive value is read as UTC).
    ``resolver`` provides every external document (DID/key documents, status lists, refresh
    and schema resources); without one, nothing is fetched. ``retired_keys`` maps
    verification-method ids (or public Multikey values) to when they were retired; a
    collection of ids means "retired, date unknown". Never raises for bad input.
    """
    if not isinstance(now, datetime):
        raise TypeError("now must be a datetime")
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    if retired_keys is None:
        retired: Mapping[str, datetime] = {}
    elif isinstance(retired_keys, Mapping):
        retired = dict(retired_keys)
    else:
        retired = {key: datetime.min.replace(tzinfo=UTC) for key in retired_keys}
    ctx = _Context(moment, resolver, registry or default_registry(), retired)
    return _verify(data, ctx)


def _verify(data: str | bytes | Mapping[str, Any], ctx: _Context) -> VerificationReport:
    report = VerificationReport()
    try:
        decoded = decode_input(data)
    except LimitExceeded as exc:
        return _stop(report, f"input refused: {_problems_text(exc)}")
    except InvalidInput as exc:
        return _stop(report, f"unreadable input: {_problems_text(exc)}")
    except Error as exc:
        return _stop(report, f"unreadable input: {exc}")
    except Exception as exc:  # hostile input must never escape as an exception
        return _stop(report, f"unreadable input ({type(exc).__name__})")
    report.document = decoded.document
    report.container = decoded.container
    what = {"json": "JSON", "jwt": "a compact VC-JWT", "png": "a baked PNG", "svg": "a baked SVG"}
    report.checks.append(
        Check("parse", "pass", f"read {what.get(decoded.container, decoded.container)}")
    )
    if _is_ob2(decoded.document):
        _run(report, "structure", lambda: _ob2_checks(decoded, ctx))
        return report
    type_problems: list[Problem] = []  # found by the model, reported by the types check
    steps: list[tuple[str, Callable[[], list[Check]]]] = [
        ("structure", lambda: _structure(report, decoded.document, type_problems)),
        ("schema", lambda: _schema(decoded.document, ctx)),
        ("contexts", lambda: _contexts(decoded.document, ctx)),
        ("types", lambda: _types(type_problems, decoded.document)),
        ("terms", lambda: _terms(decoded.document, ctx)),
        ("proof", lambda: _proofs(decoded, ctx)),
        ("valid-from", lambda: _valid_from(decoded.document, ctx)),
        ("valid-until", lambda: _valid_until(decoded.document, ctx)),
        ("status", lambda: _status(decoded.document, ctx)),
        ("refresh", lambda: _refresh(decoded.document, ctx)),
        ("endorsements", lambda: _endorsements(decoded.document, ctx)),
    ]
    for name, step in steps:
        _run(report, name, step)
    return report


def _run(report: VerificationReport, name: str, step: Callable[[], list[Check]]) -> None:
    try:
        report.checks.extend(step())
    except RecursionError:
        report.checks.append(Check(name, "fail", "refused: the input is nested too deeply"))
    except Error as exc:
        report.checks.append(Check(name, "fail", f"could not be checked: {exc}"))
    except Exception as exc:
        report.checks.append(
            Check(name, "fail", f"could not be checked: internal error {type(exc).__name__}")
        )


def _stop(report: VerificationReport, reason: str) -> VerificationReport:
    report.checks.append(Check("parse", "fail", reason, code="malformed"))
    for name in CHECK_ORDER[1:]:
        report.checks.append(Check(name, "skip", "not reached: the input could not be read"))
    return report


def _problems_text(exc: InvalidInput, limit: int = 5) -> str:
    if not exc.problems:
        return str(exc)
    text = "; ".join(str(p) for p in exc.problems[:limit])
    more = len(exc.problems) - limit
    return text + (f" (+{more} more)" if more > 0 else "")


def _types_of(document: Mapping[str, Any]) -> list[str]:
    raw = document.get("type")
    items = [raw] if isinstance(raw, str) else raw
    return [t for t in items if isinstance(t, str)] if isinstance(items, list) else []


def _is_type_problem(problem: Problem) -> bool:
    return problem.path.endswith(".type") or ".type[" in problem.path


# ---------------------------------------------------------------------------- structure


def _structure(
    report: VerificationReport, document: Mapping[str, Any], type_problems: list[Problem]
) -> list[Check]:
    types = _types_of(document)
    if any(t in OTHER_VC_TYPES for t in types) and not any(t in KNOWN_TYPES for t in types):
        problems = _generic_vc_problems(document)
        label = next(t for t in types if t in OTHER_VC_TYPES)
    else:
        label = next((t for t in types if t in KNOWN_TYPES), "OpenBadgeCredential")
        try:
            report.credential = parse_credential(document)
            problems = []
        except InvalidCredential as exc:
            problems = list(exc.problems)
    report_problems = [p for p in problems if not _is_type_problem(p)]
    type_problems.extend(p for p in problems if _is_type_problem(p))
    if report_problems:
        return [Check("structure", "fail", f"not a valid {label}: {_join(report_problems)}")]
    return [Check("structure", "pass", f"a well-formed {label}")]


def _generic_vc_problems(document: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(Problem("$['@context']", f"must be an array starting with {VC_V2!r}"))
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not isinstance(issuer_id, str):
        problems.append(Problem("$.issuer", "is required (a URI or an object with an id)"))
    if not isinstance(document.get("credentialSubject"), Mapping | list):
        problems.append(Problem("$.credentialSubject", "is required"))
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        value = document.get(name)
        if value is None:
            continue
        try:
            parse_datetime(value if isinstance(value, str) else "")
        except ValueError:
            problems.append(Problem(f"$.{name}", f"{value!r} is not an XML Schema dateTime"))
    return problems


def _join(problems: list[Problem], limit: int = 8) -> str:
    text = "; ".join(str(p) for p in problems[:limit])
    more = len(problems) - limit
    return text + (f" (+{more} more)" if more > 0 else "")


def _types(type_problems: list[Problem], document: Mapping[str, Any]) -> list[Check]:
    problems = list(type_problems)
    types = _types_of(document)
    if "VerifiableCredential" not in types:
        problems.insert(0, Problem("$.type", "does not include 'VerifiableCredential'"))
    if not any(t in KNOWN_TYPES or t in OTHER_VC_TYPES for t in types) and not any(
        p.path == "$.type" for p in problems
    ):
        problems.insert(0, Problem("$.type", f"{types!r} names no supported credential type"))
    if problems:
        return [Check("types", "fail", f"wrong type: {_join(problems)}")]
    return [Check("types", "pass", f"type {', '.join(types)} with correctly typed parts")]


# ---------------------------------------------------------------------------- schema


def _schema(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    result = schemas.validate_document(document)
    problems = list(result.problems)
    notes = [f"{result.note}" if result.schema else result.note]
    entries = document.get("credentialSchema")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    for index, entry in enumerate(entries):
        path = f"$.credentialSchema[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            problems.append(Problem(path, "must be an object with an id"))
            continue
        schema_id = entry["id"]
        if schema_id in schemas.KNOWN_SCHEMA_IDS:
            pinned = schemas.KNOWN_SCHEMA_IDS[schema_id]
            if pinned is not None and pinned != result.schema:
                problems.extend(schemas.validate_document(document, pinned).problems)
            continue
        try:
            resource = fetch(ctx.resolver, schema_id)
        except ResolutionError:
            problems.append(Problem(path, f"could not read the schema resource {schema_id}"))
            continue
        problems.extend(_validate_fetched_schema(document, resource, path))
        notes.append(f"credentialSchema {schema_id}")
    if problems:
        return [Check("schema", "fail", f"does not match its JSON Schema: {_join(problems)}")]
    if result.schema is None and not entries:
        return [Check("schema", "skip", result.note)]
    return [Check("schema", "pass", "valid against " + ", ".join(notes))]


def _validate_fetched_schema(
    document: Mapping[str, Any], resource: Mapping[str, Any], path: str
) -> list[Problem]:
    import jsonschema
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    try:
        cls: Any = jsonschema.validators.validator_for(resource, default=jsonschema.Draft7Validator)
        cls.check_schema(resource)
        validator = cls(resource, registry=Registry(retrieve=refuse))  # type: ignore[call-arg]
        return [
            Problem(path, f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message[:150]}")
            for e in list(validator.iter_errors(dict(document)))[:20]
        ]
    except Exception as exc:
        return [Problem(path, f"the schema resource is unusable ({type(exc).__name__})")]


# ---------------------------------------------------------------------------- contexts


def _contexts(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        return [Check("contexts", "fail", "@context must be a non-empty array of context URLs")]
    fails: list[str] = []
    warns: list[str] = []
    for index, url in enumerate(contexts):
        if isinstance(url, Mapping):
            warns.append(f"@context[{index}] is an inline context (not pinned)")
            continue
        if not isinstance(url, str):
            fails.append(f"@context[{index}] is not a URL")
            continue
        if url not in ctx.registry:
            fails.append(f"{url} is not a known context (contexts are never fetched)")
            continue
        try:
            ctx.registry.load(url)
        except ContextError as exc:
            fails.append(str(exc))
    types = _types_of(document)
    first = contexts[0]
    if first == VC_V1:
        warns.append("VCDM 1.1 context (2018/credentials/v1); VC 2.0 is expected")
    elif first != VC_V2:
        fails.append(f"the first context must be {VC_V2}")
    strings = [c for c in contexts if isinstance(c, str)]
    if any(t in OB_TYPES or t == "EndorsementCredential" for t in types):
        ob = [c for c in strings if c.startswith(OB3_CONTEXT_PREFIX)]
        if not ob:
            fails.append("no Open Badges 3.0 context")
        elif OB_CONTEXT_CURRENT not in ob:
            warns.append(f"Open Badges context {ob[0]} is older than 3.0.3")
        elif len(contexts) > 1 and contexts[1] != OB_CONTEXT_CURRENT and first == VC_V2:
            warns.append("the Open Badges 3.0.3 context should come second")
    if "ClrCredential" in types and not any(c.startswith(CLR_CONTEXT_PREFIX) for c in strings):
        fails.append("no CLR 2.0 context")
    if fails:
        return [Check("contexts", "fail", "; ".join(fails + warns))]
    if warns:
        return [Check("contexts", "warn", "; ".join(warns))]
    return [Check("contexts", "pass", f"{len(contexts)} pinned contexts, in the expected order")]


# ---------------------------------------------------------------------------- terms


def _canonicalize(document: Mapping[str, Any], registry: ContextRegistry) -> str:
    canon: Any = importlib.import_module("microcred.canon")
    result = canon.canonicalize_document(document, registry=registry)
    return str(result)


def _terms(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    try:
        _canonicalize(document, ctx.registry)
    except UndefinedTerm as exc:
        return [
            Check(
                "terms",
                "fail",
                f"{exc.path}: {exc.term!r} is not defined by the credential's contexts; "
                "strict JSON-LD processors (the reference verifier) reject it",
            )
        ]
    except UnknownContext as exc:
        return [Check("terms", "fail", f"terms cannot be checked: unknown context {exc.url}")]
    except Error as exc:
        return [Check("terms", "fail", f"JSON-LD processing failed: {exc}")]
    return [Check("terms", "pass", "every property and type is defined by the contexts")]


# ---------------------------------------------------------------------------- proof + issuer


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _binding(key: KeyInfo, issuer_id: str | None, label: str) -> Check:
    if issuer_id is None:
        return Check("issuer", "fail", f"{label}: the credential names no issuer", code="")
    if key.controller == issuer_id:
        return Check("issuer", "pass", f"{label}: the key belongs to the issuer {issuer_id}")
    if issuer_id.startswith("urn:"):
        return Check(
            "issuer",
            "warn",
            f"{label}: the issuer id {issuer_id} cannot be dereferenced, so nothing binds "
            f"the key to it; the credential is signed by {key.controller}",
        )
    return Check(
        "issuer",
        "fail",
        f"{label}: the key's controller {key.controller} is not the issuer {issuer_id}",
        code="unknown-issuer",
    )


def _retired(key: KeyInfo, proof: Mapping[str, Any], ctx: _Context) -> str | None:
    retired_at = ctx.retired_keys.get(key.id) or ctx.retired_keys.get(key.public.to_multibase())
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


def _proofs(decoded: Decoded, ctx: _Context) -> list[Check]:
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
    suites: Any = importlib.import_module("microcred.suites")
    outcomes: list[tuple[str, str]] = []  # (code, reason); code "" = ok
    bindings: list[Check] = []
    issuer_id = _issuer_id(document)
    for index, proof in enumerate(proofs):
        label = f"proof {index + 1} of {len(proofs)}" if len(proofs) > 1 else "proof"
        if not isinstance(proof, Mapping):
            outcomes.append(("bad-proof", f"{label} is not an object"))
            continue
        shown = "/".join(str(proof.get(k)) for k in ("type", "cryptosuite") if proof.get(k))
        label = f"{label} ({shown or 'untyped'})"
        if not _supported(proof):
            outcomes.append(("unsupported-proof", f"{label}: unsupported proof type"))
            continue
        if proof.get("proofPurpose") != "assertionMethod":
            outcomes.append(("bad-proof", f"{label}: proofPurpose must be assertionMethod"))
            continue
        try:
            key = resolve_key(proof.get("verificationMethod"), ctx.resolver)
        except ResolutionError as exc:
            outcomes.append(("unknown-issuer", f"{label}: the key cannot be resolved: {exc}"))
            continue
        retired = _retired(key, proof, ctx)
        if retired:
            outcomes.append(("unknown-issuer", f"{label}: {retired}"))
            continue
        result = suites.verify_proof(document, proof, key.public, registry=ctx.registry)
        if result.ok:
            outcomes.append(("", f"{label}: {result.reason} (key from {key.how})"))
        else:
            mismatch = "does not match" in result.reason or "invalid" in result.reason
            outcomes.append(("tampered" if mismatch else "bad-proof", f"{label}: {result.reason}"))
        bindings.append(_binding(key, issuer_id, label))
    failed = [code for code, _ in outcomes if code]
    reason = "; ".join(text for _, text in outcomes)
    checks: list[Check] = []
    if failed:
        code = next(
            (c for c in ("tampered", "unknown-issuer") if c in failed), failed[0] or "bad-proof"
        )
        checks.append(Check("proof", "fail", reason, code=code))
    else:
        checks.append(Check("proof", "pass", reason))
    checks.extend(_merge_bindings(bindings))
    return checks


def _supported(proof: Mapping[str, Any]) -> bool:
    pair = (proof.get("type"), proof.get("cryptosuite"))
    return pair in (
        ("DataIntegrityProof", "eddsa-rdfc-2022"),
        ("DataIntegrityProof", "eddsa-jcs-2022"),
        ("DataIntegrityProof", "eddsa-2022"),
        ("Ed25519Signature2020", None),
    )


def _merge_bindings(bindings: list[Check]) -> list[Check]:
    if not bindings:
        return [Check("issuer", "skip", "no key could be resolved to bind to the issuer")]
    for status in ("fail", "warn"):
        picked = [b for b in bindings if b.status == status]
        if picked:
            code = picked[0].code
            return [Check("issuer", status, "; ".join(b.reason for b in picked), code=code)]
    return [Check("issuer", "pass", "; ".join(b.reason for b in bindings))]


def _jwt_proof(decoded: Decoded, ctx: _Context) -> list[Check]:
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
    key: KeyInfo | None = None
    try:
        if isinstance(jwt.header.get("jwk"), Mapping):
            jwk = dict(jwt.header["jwk"])
            if "d" in jwk or "p" in jwk:
                raise ResolutionError("the header jwk carries private key material")
            key = KeyInfo(PublicKey.from_jwk(jwk), None, "jwk", "the jwk in the JWT header")
        elif isinstance(jwt.header.get("kid"), str):
            key = resolve_key(jwt.header["kid"], ctx.resolver)
        else:
            raise ResolutionError("the JWT header has neither kid nor jwk")
    except Error as exc:
        return [
            Check("proof", "fail", f"JWT key cannot be resolved: {exc}", code="unknown-issuer"),
            Check("issuer", "skip", "no key could be resolved"),
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
    issuer_id = _issuer_id(decoded.document)
    iss = jwt.payload.get("iss")
    if iss is not None and iss != issuer_id:
        return [
            proof,
            Check(
                "issuer",
                "fail",
                f"JWT iss {iss!r} is not the issuer {issuer_id}",
                code="unknown-issuer",
            ),
        ]
    if key.controller is None:
        return [
            proof,
            Check(
                "issuer",
                "warn",
                "the key is embedded in the JWT header, so nothing binds it to the issuer "
                f"{issuer_id}",
            ),
        ]
    return [proof, _binding(key, issuer_id, "JWT")]


# ---------------------------------------------------------------------------- dates


def _date(document: Mapping[str, Any], *names: str) -> tuple[str, datetime] | None:
    for name in names:
        value = document.get(name)
        if isinstance(value, str):
            return name, parse_datetime(value)
    return None


def _valid_from(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    try:
        found = _date(document, "validFrom", "issuanceDate")
    except ValueError as exc:
        return [Check("valid-from", "fail", str(exc))]
    if found is None:
        return [Check("valid-from", "skip", "no validFrom")]
    name, when = found
    if when > ctx.now:
        return [
            Check(
                "valid-from",
                "fail",
                f"not valid before {when.isoformat()} ({name})",
                code="not-yet-valid",
            )
        ]
    return [Check("valid-from", "pass", f"valid since {when.isoformat()} ({name})")]


def _valid_until(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    try:
        found = _date(document, "validUntil", "expirationDate")
    except ValueError as exc:
        return [Check("valid-until", "fail", str(exc))]
    if found is None:
        return [Check("valid-until", "pass", "no expiry date")]
    name, when = found
    if when <= ctx.now:
        return [
            Check("valid-until", "fail", f"expired on {when.isoformat()} ({name})", code="expired")
        ]
    return [Check("valid-until", "pass", f"valid until {when.isoformat()} ({name})")]


# ---------------------------------------------------------------------------- status


def _status(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
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


def _status_entry(entry: Any, document: Mapping[str, Any], ctx: _Context) -> Check:
    if not isinstance(entry, Mapping):
        return Check("status", "fail", "a credentialStatus entry is not an object")
    kind = entry.get("type")
    if kind == "BitstringStatusListEntry":
        return _bitstring_entry(entry, document, ctx)
    if kind == "1EdTechRevocationList":
        return _revocation_list(entry, document, ctx)
    return Check("status", "warn", f"status type {kind!r} is not supported, so it was not checked")


def _bitstring_entry(entry: Mapping[str, Any], document: Mapping[str, Any], ctx: _Context) -> Check:
    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str):
        return Check("status", "fail", "the status entry names no statusListCredential")
    try:
        list_document = fetch(ctx.resolver, url)
    except ResolutionError as exc:
        return Check("status", "warn", f"the status list could not be checked: {exc}")
    list_report = _verify(list_document, _nested(ctx, follow_links=False))
    if not list_report.ok:
        failed = [c for c in list_report.checks if c.status == "fail"]
        why = "; ".join(f"{c.name}: {c.reason}" for c in failed[:3])
        return Check("status", "fail", f"the status list {url} does not verify ({why})")
    list_issuer = _issuer_id(list_document)
    if list_issuer != _issuer_id(document):
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


def _revocation_list(entry: Mapping[str, Any], document: Mapping[str, Any], ctx: _Context) -> Check:
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


def _nested(ctx: _Context, *, follow_links: bool = True) -> _Context:
    return _Context(
        ctx.now, ctx.resolver, ctx.registry, ctx.retired_keys, ctx.depth + 1, follow_links
    )


# ---------------------------------------------------------------------------- refresh


def _refresh(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    service = document.get("refreshService")
    if service is None:
        return [Check("refresh", "skip", "no refreshService")]
    services = service if isinstance(service, list) else [service]
    for item in services:
        if not isinstance(item, Mapping) or item.get("type") != "1EdTechCredentialRefresh":
            continue
        url = item.get("id")
        if not isinstance(url, str):
            return [Check("refresh", "fail", "the refreshService has no id")]
        if not ctx.follow_links or ctx.depth >= MAX_NESTING:
            return [Check("refresh", "skip", "refresh not followed at this depth")]
        try:
            refreshed = fetch(ctx.resolver, url)
        except ResolutionError as exc:
            return [Check("refresh", "fail", f"the refresh service could not be followed: {exc}")]
        nested = _verify(refreshed, _nested(ctx))
        if not nested.ok:
            return [Check("refresh", "fail", f"the refreshed credential is {nested.verdict}")]
        return [Check("refresh", "pass", f"the refreshed credential from {url} verifies")]
    return [Check("refresh", "skip", "refreshService of a type that is not followed")]


# ---------------------------------------------------------------------------- endorsements


def _embedded(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(JSON path, credential) for embedded endorsements and CLR member credentials."""
    found: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [("$", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key == "proof":
                    continue
                here = f"{path}.{key}"
                items = item if isinstance(item, list) else [item]
                if key in ("endorsement", "verifiableCredential", "endorsementJwt"):
                    for index, member in enumerate(items):
                        found.append((f"{here}[{index}]", member))
                else:
                    stack.append((here, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return sorted(found, key=lambda pair: pair[0])


def _endorsements(document: Mapping[str, Any], ctx: _Context) -> list[Check]:
    members = _embedded(document)
    if not members:
        return [Check("endorsements", "skip", "no embedded endorsements or credentials")]
    if ctx.depth >= MAX_NESTING:
        return [Check("endorsements", "fail", "embedded credentials are nested too deeply")]
    lifted: list[Check] = []
    bad = 0
    for path, member in members:
        if not isinstance(member, Mapping | str):
            lifted.append(Check("structure", "fail", "not a credential", scope=path))
            bad += 1
            continue
        nested = _verify(member, _nested(ctx))
        if not nested.ok:
            bad += 1
        for check in nested.checks:
            if check.status in ("fail", "warn"):
                scope = path + check.scope[1:] if check.scope else path
                lifted.append(Check(check.name, check.status, check.reason, scope, check.code))
    summary = f"{len(members) - bad} of {len(members)} embedded credentials verify"
    head = Check("endorsements", "fail" if bad else "pass", summary)
    return [head, *lifted]


# ---------------------------------------------------------------------------- OB 2.0


def _is_ob2(document: Mapping[str, Any]) -> bool:
    contexts = document.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    return any(c in OB2_CONTEXTS for c in items) or "Assertion" in _types_of(document)


def _ob2_checks(decoded: Decoded, ctx: _Context) -> list[Check]:
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


def _ob2_hosted(assertion: Mapping[str, Any], ctx: _Context) -> Check:
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


def _ob2_signed(decoded: Decoded, ctx: _Context) -> Check:
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
        key_document = fetch(ctx.resolver, creator)
        pem = key_document.get("publicKeyPem")
        if not isinstance(pem, str):
            raise ResolutionError(f"{creator} has no publicKeyPem")
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        public = PublicKey.from_cryptography(load_pem_public_key(pem.encode("ascii")))  # type: ignore[arg-type]
    except (Error, ValueError) as exc:
        return Check(
            "proof", "fail", f"the signing key cannot be resolved: {exc}", code="unknown-issuer"
        )
    if not public.verify(jwt.signature, jwt.signing_input):
        return Check("proof", "fail", "the JWS signature does not match", code="tampered")
    return Check("proof", "pass", f"JWS {alg} signature valid with {creator}")


# ============================================================================ issuing

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")


def issue_credential(
    credential: Mapping[str, Any],
    key_pair: KeyPair,
    *,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    registry: ContextRegistry | None = None,
) -> dict[str, Any] | str:
    """Sign ``credential`` the safe way: validate first, refuse what verifiers would reject.

    Before signing: the model (every problem, with its JSON path), the OB 3.0 JSON Schema,
    pinned contexts in the right order, strict JSON-LD terms (no undefined property or type),
    and the key binding (the key's controller must be the issuer). Returns the signed
    credential (a dict), or the compact JWT (a str) for ``suite="vc-jwt"``.

    Raises InvalidCredential, LimitExceeded, UnknownContext, UndefinedTerm or SigningError.
    """
    reg = registry or default_registry()
    check_limits(credential)
    if suite not in SUITES:
        raise SigningError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    parse_credential(credential)
    result = schemas.validate_document(credential)
    if result.problems:
        raise InvalidCredential("does not match the OB 3.0 JSON Schema", list(result.problems))
    contexts = credential.get("@context")
    assert isinstance(contexts, list)  # the model guarantees it
    if contexts[0] != VC_V2:
        raise InvalidCredential(
            "refusing to sign", [Problem("$['@context'][0]", f"new credentials use {VC_V2}")]
        )
    for url in contexts:
        if isinstance(url, str) and url not in reg:
            raise UnknownContext(url)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    _canonicalize(credential if suite != "vc-jwt" else unsigned, reg)  # UndefinedTerm
    issuer_id = _issuer_id(credential)
    if key_pair.controller != issuer_id:
        raise SigningError(
            f"the key's controller {key_pair.controller} is not the issuer {issuer_id}: "
            "verifiers would reject the credential"
        )
    if suite == "vc-jwt":
        vc_jwt: Any = importlib.import_module("microcred.suites.vc_jwt")
        token = vc_jwt.sign(unsigned, key_pair)
        return str(token)
    module: Any = importlib.import_module("microcred.suites." + suite.replace("-", "_"))
    signed = module.sign(credential, key_pair, created=created, registry=reg)
    return dict(signed)


__all__ = [
    "CHECK_ORDER",
    "Check",
    "VerificationReport",
    "issue_credential",
    "verify_credential",
]
