"""The profile check: which profile's rules (beyond the VC Data Model 2.0) were applied.

Every credential is checked against the VC DM 2.0 (structure, contexts, terms, proof, dates,
status). An Open Badges 3.0 / CLR 2.0 credential is also held to its profile: the pinned OB
JSON Schema (schema), the OB context (contexts) and the OB types (types). This check reports
that layer on its own: for such a credential it passes or fails with those three checks; for a
plain VC 2.0 credential it says the Open Badges profile was not applied, and never fails it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.verification.common import (
    CLR_CONTEXT_PREFIX,
    KNOWN_TYPES,
    OB3_CONTEXT_PREFIX,
    OTHER_VC_TYPES,
    types_of,
)
from microcred.verification.report import Check, VerificationReport

PROFILE_CHECKS = ("schema", "contexts", "types")


def is_profiled(document: Mapping[str, Any]) -> bool:
    """True for an Open Badges 3.0 / CLR 2.0 credential, by its types or its contexts (a
    credential with the Open Badges context is held to the Open Badges profile)."""
    if any(t in KNOWN_TYPES for t in types_of(document)):
        return True
    contexts = document.get("@context")
    return any(
        isinstance(c, str) and c.startswith((OB3_CONTEXT_PREFIX, CLR_CONTEXT_PREFIX))
        for c in (contexts if isinstance(contexts, list) else [contexts])
    )


def is_plain_vc(document: Mapping[str, Any]) -> bool:
    """True for a credential held to no profile we know (a plain VC 2.0 credential)."""
    return not is_profiled(document) and not any(t in OTHER_VC_TYPES for t in types_of(document))


def check_profile(document: Mapping[str, Any], report: VerificationReport) -> list[Check]:
    if not is_profiled(document):
        return [
            Check(
                "profile",
                "skip",
                "not an Open Badges credential: the Open Badges 3.0 profile (its JSON Schema, "
                "context and types) was not applied; the VC Data Model 2.0 checks were",
                code="profile-not-applied",
            )
        ]
    failed = [
        c.name
        for c in report.checks
        if c.name in PROFILE_CHECKS and c.status == "fail" and not c.scope
    ]
    if failed:
        return [Check("profile", "fail", f"the Open Badges 3.0 profile fails: {', '.join(failed)}")]
    return [
        Check(
            "profile",
            "pass",
            "the Open Badges 3.0 profile holds (its JSON Schema, context and types)",
        )
    ]
