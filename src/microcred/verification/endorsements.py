"""The endorsements check: embedded endorsements and CLR member credentials are verified too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.verification.common import MAX_NESTING, VerifyContext
from microcred.verification.report import Check


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


def check_endorsements(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
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
        nested = ctx.verify(member)
        if not nested.ok:
            bad += 1
        for check in nested.checks:
            if check.status in ("fail", "warn"):
                scope = path + check.scope[1:] if check.scope else path
                lifted.append(Check(check.name, check.status, check.reason, scope, check.code))
    summary = f"{len(members) - bad} of {len(members)} embedded credentials verify"
    head = Check("endorsements", "fail" if bad else "pass", summary)
    return [head, *lifted]
