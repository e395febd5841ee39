"""The ``trust`` check of a verification report: is the issuer in a configured registry?

A separate line beside the signature's: it passes with "issuer is in registry X (as Y)",
and an issuer found in no registry is a warning — a failure only when the verifier's policy
requires a recognised issuer (``required=True``, code ``unknown-issuer-registry``). It never
changes the signature verdict otherwise, and is skipped when the credential is not validly
signed (a forged credential may name any issuer).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from microcred.trust.registry import Recognition, Registry, recognise
from microcred.verification.report import Check, Status, VerificationReport

CHECK_NAME = "trust"
NOT_RECOGNISED = "not-in-registry"


def document_issuer_id(document: Mapping[str, Any] | None) -> str:
    """The issuer id a credential names (``issuer`` or ``issuer.id``), or ""."""
    if not isinstance(document, Mapping):
        return ""
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else ""


def trust_check(
    report: VerificationReport, registries: Sequence[Registry], *, required: bool = False
) -> Check:
    """The trust check for ``report``'s credential against ``registries`` (in order)."""
    proof = report.check("proof")
    if report.document is None or proof is None or proof.status != "pass":
        return Check(CHECK_NAME, "skip", "not checked: the credential is not validly signed")
    issuer_id = document_issuer_id(report.document)
    found = recognise(issuer_id, registries) if issuer_id else None
    if found is not None:
        return Check(
            CHECK_NAME, "pass", f'issuer is in registry "{found.registry}" as "{found.name}"'
        )
    absent: Status = "fail" if required else "warn"
    if not registries:
        reason = "issuer not in any configured registry (no registry is configured)"
    else:
        names = ", ".join(f'"{registry.name}"' for registry in registries)
        reason = f"issuer not in any configured registry ({names})"
    return Check(CHECK_NAME, absent, reason, code=NOT_RECOGNISED)


def report_with_trust(
    report: VerificationReport, registries: Sequence[Registry], *, required: bool = False
) -> VerificationReport:
    """``report`` with its trust check appended (in place; returned for chaining)."""
    report.checks.append(trust_check(report, registries, required=required))
    return report


_RECOGNISED = re.compile(r'^issuer is in registry "(?P<registry>.*)" as "(?P<name>.*)"$', re.DOTALL)


def recognition_in(check: Check) -> Recognition | None:
    """The registry and name a passed trust check reports (for wording it for people)."""
    if check.name != CHECK_NAME or check.status != "pass":
        return None
    found = _RECOGNISED.match(check.reason)
    return Recognition(found["registry"], found["name"]) if found else None
