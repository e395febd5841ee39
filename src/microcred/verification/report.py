"""The verification report: :class:`Check`, :class:`VerificationReport` and its verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from microcred.model import AnyCredential

Status = Literal["pass", "fail", "warn", "skip"]
Verdict = Literal[
    "valid",
    "invalid",
    "revoked",
    "suspended",
    "expired",
    "not-yet-valid",
    "tampered",
    "unknown-issuer",
    "malformed",
    "status-unknown",
]

CHECK_ORDER = (
    "parse",
    "structure",
    "schema",
    "contexts",
    "types",
    "terms",
    "proof",
    "issuer",
    "valid-from",
    "valid-until",
    "status",
    "refresh",
    "endorsements",
    "profile",
)


@dataclass(frozen=True, slots=True)
class Check:
    """One check: ``name`` (see :data:`CHECK_ORDER`), ``status``, a plain-language ``reason``.

    ``scope`` is empty for the credential itself, or the JSON path of an embedded credential
    (an endorsement) the finding belongs to; ``code`` is a short machine-readable cause.
    """

    name: str
    status: Status
    reason: str
    scope: str = ""
    code: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name, "status": self.status, "reason": self.reason}
        if self.scope:
            out["scope"] = self.scope
        if self.code:
            out["code"] = self.code
        return out


@dataclass(slots=True)
class VerificationReport:
    """The outcome of :func:`verify_credential`."""

    checks: list[Check] = field(default_factory=list)
    credential: AnyCredential | None = None
    document: Mapping[str, Any] | None = None
    container: str = ""

    @property
    def verdict(self) -> Verdict:
        """One word for the whole report (the most serious failure wins)."""
        failed = [c for c in self.checks if c.status == "fail" and not c.scope]
        if not failed:
            nested = any(c.status == "fail" for c in self.checks)
            return "invalid" if nested else "valid"
        codes = {c.code for c in failed}
        ranked: tuple[Verdict, ...] = (
            "malformed",
            "tampered",
            "unknown-issuer",
            "revoked",
            "suspended",
        )
        for verdict in ranked:
            if verdict in codes:
                return verdict
        if any(c.name == "parse" for c in failed):
            return "malformed"
        if "status-unknown" in codes:
            known = [c for c in failed if c.code != "status-unknown"]
            if not known:
                return "status-unknown"  # everything else held; the status could not be learnt
            failed = known  # a definite finding (e.g. expired) says more
        if codes & {"expired", "not-yet-valid"} and all(
            c.name in ("valid-from", "valid-until", "schema", "structure", "profile")
            for c in failed
        ):
            return "expired" if "expired" in codes else "not-yet-valid"
        return "invalid"

    @property
    def ok(self) -> bool:
        """True when the credential is valid (no check failed)."""
        return self.verdict == "valid"

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == "warn"]

    def check(self, name: str) -> Check | None:
        """The first top-level check called ``name``."""
        return next((c for c in self.checks if c.name == name and not c.scope), None)

    def to_json(self) -> dict[str, Any]:
        credential_id = self.document.get("id") if self.document is not None else None
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "container": self.container,
            "id": credential_id if isinstance(credential_id, str) else None,
            "checks": [c.to_json() for c in self.checks],
        }
