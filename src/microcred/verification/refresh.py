"""The refresh check: a ``1EdTechCredentialRefresh`` service must yield a valid credential."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import ResolutionError
from microcred.verification.common import MAX_NESTING, VerifyContext
from microcred.verification.keys import fetch
from microcred.verification.report import Check


def check_refresh(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
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
        nested = ctx.verify(refreshed)
        if not nested.ok:
            return [Check("refresh", "fail", f"the refreshed credential is {nested.verdict}")]
        return [Check("refresh", "pass", f"the refreshed credential from {url} verifies")]
    return [Check("refresh", "skip", "refreshService of a type that is not followed")]
