"""The safe recipes: ``verify_credential`` (every check, one report) and ``issue_credential``.

``verify_credential`` accepts JSON text or an object, a compact VC-JWT, or a baked PNG/SVG,
and returns a :class:`VerificationReport` listing each check in order — parse, structure,
schema, contexts, types, terms, proof, issuer, valid-from, valid-until, status, refresh,
endorsements — each with a plain-language reason. It never raises for bad input: every
exception inside a check becomes a failed check. Contexts are never fetched; documents
(keys, status lists, refresh and schema resources) come only through the caller's resolver.

The checks live in :mod:`microcred.verification`, one module each; this module is the
public entry point and keeps every name it has always exported.
"""

from __future__ import annotations

# Everything this module exported before the split stays importable from here.
from microcred.verification.common import CLR_CONTEXT_PREFIX as CLR_CONTEXT_PREFIX
from microcred.verification.common import KNOWN_TYPES as KNOWN_TYPES
from microcred.verification.common import MAX_NESTING as MAX_NESTING
from microcred.verification.common import OB2_CONTEXTS as OB2_CONTEXTS
from microcred.verification.common import OB3_CONTEXT_PREFIX as OB3_CONTEXT_PREFIX
from microcred.verification.common import OB_CONTEXT_CURRENT as OB_CONTEXT_CURRENT
from microcred.verification.common import OB_TYPES as OB_TYPES
from microcred.verification.common import OTHER_VC_TYPES as OTHER_VC_TYPES
from microcred.verification.input import JWT_ALGORITHMS as JWT_ALGORITHMS
from microcred.verification.input import Decoded as Decoded
from microcred.verification.input import decode_input as decode_input
from microcred.verification.issuing import SUITES as SUITES
from microcred.verification.issuing import issue_credential, issue_credentials
from microcred.verification.keys import KeyInfo as KeyInfo
from microcred.verification.keys import Resolver as Resolver
from microcred.verification.keys import fetch as fetch
from microcred.verification.keys import resolve_key as resolve_key
from microcred.verification.pipeline import verify_credential
from microcred.verification.report import CHECK_ORDER, Check, VerificationReport
from microcred.verification.report import Status as Status
from microcred.verification.report import Verdict as Verdict

__all__ = [
    "CHECK_ORDER",
    "Check",
    "VerificationReport",
    "issue_credential",
    "issue_credentials",
    "verify_credential",
]
