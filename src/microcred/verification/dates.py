"""The valid-from and valid-until checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from microcred.model import parse_datetime
from microcred.verification.common import VerifyContext
from microcred.verification.report import Check


def _date(document: Mapping[str, Any], *names: str) -> tuple[str, datetime] | None:
    for name in names:
        value = document.get(name)
        if isinstance(value, str):
            return name, parse_datetime(value)
    return None


def check_valid_from(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
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


def check_valid_until(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
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
