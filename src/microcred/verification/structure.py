"""The structure check (the credential model) and the types check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import InvalidCredential, Problem
from microcred.model import VC_V1, VC_V2, parse_credential, parse_datetime
from microcred.verification.common import KNOWN_TYPES, OTHER_VC_TYPES, join_problems, types_of
from microcred.verification.profile import is_plain_vc
from microcred.verification.report import Check, VerificationReport
from microcred.verification.vcdm import credential_problems


def _is_type_problem(problem: Problem) -> bool:
    return problem.path.endswith(".type") or ".type[" in problem.path


def check_structure(
    report: VerificationReport, document: Mapping[str, Any], type_problems: list[Problem]
) -> list[Check]:
    types = types_of(document)
    if is_plain_vc(document):
        problems = credential_problems(document)
        report_problems = [p for p in problems if p.path != "$.type"]
        type_problems.extend(p for p in problems if p.path == "$.type")
        if report_problems:
            reason = f"not a valid VC 2.0 credential: {join_problems(report_problems)}"
            return [Check("structure", "fail", reason)]
        return [Check("structure", "pass", "a well-formed VC 2.0 credential")]
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
        return [
            Check("structure", "fail", f"not a valid {label}: {join_problems(report_problems)}")
        ]
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else None
    vcdm = credential_problems(document) if first == VC_V2 else []
    if vcdm:
        reason = f"a {label} that breaks VC 2.0 rules: {join_problems(vcdm)}"
        return [Check("structure", "warn", reason)]
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


def check_types(type_problems: list[Problem], document: Mapping[str, Any]) -> list[Check]:
    problems = list(type_problems)
    types = types_of(document)
    if is_plain_vc(document):
        if problems:
            return [Check("types", "fail", f"wrong type: {join_problems(problems)}")]
        return [Check("types", "pass", f"type {', '.join(types)} (a VC 2.0 credential)")]
    if "VerifiableCredential" not in types:
        problems.insert(0, Problem("$.type", "does not include 'VerifiableCredential'"))
    if not any(t in KNOWN_TYPES or t in OTHER_VC_TYPES for t in types) and not any(
        p.path == "$.type" for p in problems
    ):
        problems.insert(0, Problem("$.type", f"{types!r} names no supported credential type"))
    if problems:
        return [Check("types", "fail", f"wrong type: {join_problems(problems)}")]
    return [Check("types", "pass", f"type {', '.join(types)} with correctly typed parts")]
