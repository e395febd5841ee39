"""What every check shares: the verification context, constants and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from microcred.contexts import ContextRegistry
from microcred.errors import Problem
from microcred.verification.keys import Resolver

if TYPE_CHECKING:
    from microcred.verification.report import VerificationReport

OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")
KNOWN_TYPES = (*OB_TYPES, "EndorsementCredential", "ClrCredential")
OTHER_VC_TYPES = ("BitstringStatusListCredential",)
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_CONTEXT_CURRENT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/context"
OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
MAX_NESTING = 3

Runner = Callable[[Any, "VerifyContext"], "VerificationReport"]
"""Runs every check on an input (the pipeline); nested credentials go through it again."""


@dataclass(slots=True)
class VerifyContext:
    """One verification's settings; nested credentials get a copy one level deeper."""

    now: datetime
    resolver: Resolver | None
    registry: ContextRegistry
    retired_keys: Mapping[str, datetime]
    run: Runner
    depth: int = 0
    follow_links: bool = True
    allow_unknown_status: bool = False

    def verify(self, data: Any, *, follow_links: bool = True) -> VerificationReport:
        """Verify an embedded or linked credential one level deeper."""
        return self.run(data, nested(self, follow_links=follow_links))


def nested(ctx: VerifyContext, *, follow_links: bool = True) -> VerifyContext:
    return VerifyContext(
        ctx.now,
        ctx.resolver,
        ctx.registry,
        ctx.retired_keys,
        ctx.run,
        ctx.depth + 1,
        follow_links,
        ctx.allow_unknown_status,
    )


def types_of(document: Mapping[str, Any]) -> list[str]:
    raw = document.get("type")
    items = [raw] if isinstance(raw, str) else raw
    return [t for t in items if isinstance(t, str)] if isinstance(items, list) else []


def issuer_of(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def join_problems(problems: list[Problem], limit: int = 8) -> str:
    text = "; ".join(str(p) for p in problems[:limit])
    more = len(problems) - limit
    return text + (f" (+{more} more)" if more > 0 else "")
