"""The ``transparency`` check of a verification report: is the credential in its issuer's log?

A validly signed credential with a valid inclusion bundle passes ("logged at index N,
checkpoint T"). Without one (or with one that does not verify) it is a warning, which the
verifier's policy (``required=True``) turns into a failure with code ``not-logged``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import Error
from microcred.tlog.inclusion import inclusion_check
from microcred.verification.report import Check, Status, VerificationReport

CHECK_NAME = "transparency"


def transparency_check(
    report: VerificationReport,
    bundle: Mapping[str, Any] | None,
    *,
    log_key: str | None = None,
    required: bool = False,
) -> Check:
    """The check for ``report``'s credential given its inclusion ``bundle`` (or None)."""
    proof = report.check("proof")
    if report.document is None or proof is None or proof.status != "pass":
        return Check(CHECK_NAME, "skip", "not checked: the credential is not validly signed")
    absent: Status = "fail" if required else "warn"
    if bundle is None:
        return Check(
            CHECK_NAME,
            absent,
            "validly signed, but no proof that it is in its issuer's transparency log",
            code="not-logged",
        )
    try:
        inclusion = inclusion_check(bundle, report.document, log_key=log_key)
    except Error as exc:
        return Check(
            CHECK_NAME, absent, f"the log inclusion proof does not hold: {exc}", code="not-logged"
        )
    return Check(
        CHECK_NAME,
        "pass",
        f"logged at index {inclusion.index}, checkpoint {inclusion.checkpoint.size} "
        f"of {inclusion.origin}",
    )


def report_with_transparency(
    report: VerificationReport,
    bundle: Mapping[str, Any] | None,
    *,
    log_key: str | None = None,
    required: bool = False,
) -> VerificationReport:
    """``report`` with its transparency check appended (in place; returned for chaining)."""
    report.checks.append(transparency_check(report, bundle, log_key=log_key, required=required))
    return report
