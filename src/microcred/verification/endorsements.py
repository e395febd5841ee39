"""The endorsements check: embedded endorsements and CLR member credentials are verified too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.verification.common import MAX_NESTING, VerifyContext
from microcred.verification.report import Check

_MEMBER_KEYS = ("endorsement", "verifiableCredential", "endorsementJwt")

# A JSON path while walking: None for "$", else (parent, key or index, is_index); written out
# as text only for the members found (most documents have none).
_Link = tuple[Any, Any, bool] | None


def _path_text(link: _Link) -> str:
    parts: list[str] = []
    while link is not None:
        link, segment, is_index = link
        parts.append(f"[{segment}]" if is_index else f".{segment}")
    parts.append("$")
    parts.reverse()
    return "".join(parts)


def _embedded(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(JSON path, credential) for embedded endorsements and CLR member credentials."""
    found: list[tuple[str, Any]] = []
    stack: list[tuple[_Link, Any]] = [(None, document)]
    while stack:
        link, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key == "proof":
                    continue
                if key in _MEMBER_KEYS:
                    here = f"{_path_text(link)}.{key}"
                    items = item if isinstance(item, list) else [item]
                    for index, member in enumerate(items):
                        found.append((f"{here}[{index}]", member))
                elif item.__class__ is dict or item.__class__ is list or _container(item):
                    stack.append(((link, key, False), item))
        elif isinstance(value, list):
            stack.extend(
                ((link, i, True), item)
                for i, item in enumerate(value)
                if item.__class__ is dict or item.__class__ is list or _container(item)
            )
    return sorted(found, key=lambda pair: pair[0])


def _container(value: Any) -> bool:
    return isinstance(value, Mapping | list)


def check_endorsements(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
    members = _embedded(document)
    if not members:
        return [Check("endorsements", "skip", "no embedded endorsements or credentials")]
    if ctx.depth >= MAX_NESTING:
        return [Check("endorsements", "fail", "embedded credentials are nested too deeply")]
    lifted: list[Check] = []
    bad = unknown = 0
    for path, member in members:
        if not isinstance(member, Mapping | str):
            lifted.append(Check("structure", "fail", "not a credential", scope=path))
            bad += 1
            continue
        nested = ctx.verify(member)
        if not nested.ok:
            bad += 1
            unknown += nested.verdict == "status-unknown"
        for check in nested.checks:
            if check.status in ("fail", "warn"):
                scope = path + check.scope[1:] if check.scope else path
                lifted.append(Check(check.name, check.status, check.reason, scope, check.code))
    summary = f"{len(members) - bad} of {len(members)} embedded credentials verify"
    code = "status-unknown" if bad and unknown == bad else ""  # only their status is unknown
    head = Check("endorsements", "fail" if bad else "pass", summary, code=code)
    return [head, *lifted]
