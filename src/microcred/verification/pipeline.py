"""The verifier's pipeline: decode the input, run every check in order, one report.

Every exception inside a check becomes a failed check; nested credentials (status lists,
refreshed credentials, endorsements) run through the same pipeline one level deeper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from microcred.contexts import ContextRegistry, default_registry
from microcred.errors import Error, InvalidInput, LimitExceeded, Problem
from microcred.verification.common import VerifyContext
from microcred.verification.contexts import check_contexts, check_terms
from microcred.verification.dates import check_valid_from, check_valid_until
from microcred.verification.endorsements import check_endorsements
from microcred.verification.input import decode_input
from microcred.verification.keys import Resolver
from microcred.verification.ob2 import is_ob2, ob2_checks
from microcred.verification.profile import check_profile
from microcred.verification.proofs import check_proofs
from microcred.verification.refresh import check_refresh
from microcred.verification.report import CHECK_ORDER, Check, VerificationReport
from microcred.verification.schema import check_schema
from microcred.verification.signed_content import signed_content_problems
from microcred.verification.status import check_status
from microcred.verification.structure import check_structure, check_types


def verify_credential(
    data: str | bytes | Mapping[str, Any],
    *,
    now: datetime,
    resolver: Resolver | None = None,
    registry: ContextRegistry | None = None,
    retired_keys: Mapping[str, datetime] | Iterable[str] | None = None,
    allow_unknown_status: bool = False,
) -> VerificationReport:
    """Verify a credential given as JSON text/object, a compact VC-JWT or a baked PNG/SVG.

    ``now`` is the time the dates are checked against (a naive value is read as UTC).
    ``resolver`` provides every external document (DID/key documents, status lists, refresh
    and schema resources); without one, nothing is fetched. ``retired_keys`` maps
    verification-method ids (or public Multikey values) to when they were retired; a
    collection of ids means "retired, date unknown". A status list that cannot be retrieved
    makes the verdict ``status-unknown``; ``allow_unknown_status`` makes it a warning instead
    (the policy of a verifier that accepts credentials it cannot check for revocation).
    Never raises for bad input.
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
    ctx = VerifyContext(moment, resolver, registry or default_registry(), retired, run_checks)
    ctx.allow_unknown_status = allow_unknown_status
    return run_checks(data, ctx)


def run_checks(data: str | bytes | Mapping[str, Any], ctx: VerifyContext) -> VerificationReport:
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
    ob2 = is_ob2(decoded.document)
    if decoded.jwt is None and not ob2:  # a JWS signs the very bytes: nothing is left out
        unsigned = signed_content_problems(decoded.document, ctx.registry)
        if unsigned:
            report.container = decoded.container
            reason = _problems_text(InvalidInput("", unsigned))
            return _stop(report, f"not signed as shown: {reason}", "the document is malformed")
    report.document = decoded.document
    report.container = decoded.container
    what = {"json": "JSON", "jwt": "a compact VC-JWT", "png": "a baked PNG", "svg": "a baked SVG"}
    report.checks.append(
        Check("parse", "pass", f"read {what.get(decoded.container, decoded.container)}")
    )
    if ob2:
        _run(report, "structure", lambda: ob2_checks(decoded, ctx))
        return report
    type_problems: list[Problem] = []  # found by the model, reported by the types check
    # the terms check canonicalizes the document; the proof check reuses the unsecured part
    shared: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], list[Check]]]] = [
        ("structure", lambda: check_structure(report, decoded.document, type_problems)),
        ("schema", lambda: check_schema(decoded.document, ctx)),
        ("contexts", lambda: check_contexts(decoded.document, ctx)),
        ("types", lambda: check_types(type_problems, decoded.document)),
        ("terms", lambda: check_terms(decoded.document, ctx, shared)),
        ("proof", lambda: check_proofs(decoded, ctx, shared.get("unsecured"))),
        ("valid-from", lambda: check_valid_from(decoded.document, ctx)),
        ("valid-until", lambda: check_valid_until(decoded.document, ctx)),
        ("status", lambda: check_status(decoded.document, ctx)),
        ("refresh", lambda: check_refresh(decoded.document, ctx)),
        ("endorsements", lambda: check_endorsements(decoded.document, ctx)),
        ("profile", lambda: check_profile(decoded.document, report)),
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


def _stop(
    report: VerificationReport, reason: str, why: str = "the input could not be read"
) -> VerificationReport:
    report.checks.append(Check("parse", "fail", reason, code="malformed"))
    for name in CHECK_ORDER[1:]:
        report.checks.append(Check(name, "skip", f"not reached: {why}"))
    return report


def _problems_text(exc: InvalidInput, limit: int = 5) -> str:
    if not exc.problems:
        return str(exc)
    text = "; ".join(str(p) for p in exc.problems[:limit])
    more = len(exc.problems) - limit
    return text + (f" (+{more} more)" if more > 0 else "")
