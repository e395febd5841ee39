"""The contexts check (pinned, known, in order) and the terms check (strict JSON-LD)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from microcred.contexts import ContextRegistry
from microcred.errors import ContextError, Error, UndefinedTerm, UnknownContext
from microcred.model import VC_V1, VC_V2
from microcred.verification.common import (
    CLR_CONTEXT_PREFIX,
    OB3_CONTEXT_PREFIX,
    OB_CONTEXT_CURRENT,
    OB_TYPES,
    VerifyContext,
    types_of,
)
from microcred.verification.report import Check


def check_contexts(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        return [Check("contexts", "fail", "@context must be a non-empty array of context URLs")]
    fails: list[str] = []
    warns: list[str] = []
    for index, url in enumerate(contexts):
        if isinstance(url, Mapping):
            warns.append(f"@context[{index}] is an inline context (not pinned)")
            continue
        if not isinstance(url, str):
            fails.append(f"@context[{index}] is not a URL")
            continue
        if url not in ctx.registry:
            fails.append(f"{url} is not a known context (contexts are never fetched)")
            continue
        try:
            ctx.registry.load(url)
        except ContextError as exc:
            fails.append(str(exc))
    types = types_of(document)
    first = contexts[0]
    if first == VC_V1:
        warns.append("VCDM 1.1 context (2018/credentials/v1); VC 2.0 is expected")
    elif first != VC_V2:
        fails.append(f"the first context must be {VC_V2}")
    strings = [c for c in contexts if isinstance(c, str)]
    if any(t in OB_TYPES or t == "EndorsementCredential" for t in types):
        ob = [c for c in strings if c.startswith(OB3_CONTEXT_PREFIX)]
        if not ob:
            fails.append("no Open Badges 3.0 context")
        elif OB_CONTEXT_CURRENT not in ob:
            warns.append(f"Open Badges context {ob[0]} is older than 3.0.3")
        elif len(contexts) > 1 and contexts[1] != OB_CONTEXT_CURRENT and first == VC_V2:
            warns.append("the Open Badges 3.0.3 context should come second")
    if "ClrCredential" in types and not any(c.startswith(CLR_CONTEXT_PREFIX) for c in strings):
        fails.append("no CLR 2.0 context")
    if fails:
        return [Check("contexts", "fail", "; ".join(fails + warns))]
    if warns:
        return [Check("contexts", "warn", "; ".join(warns))]
    return [Check("contexts", "pass", f"{len(contexts)} pinned contexts, in the expected order")]


def canonicalize(document: Mapping[str, Any], registry: ContextRegistry) -> str:
    canon: Any = importlib.import_module("microcred.canon")
    result = canon.canonicalize_document(document, registry=registry)
    return str(result)


def check_terms(
    document: Mapping[str, Any], ctx: VerifyContext, shared: dict[str, Any] | None = None
) -> list[Check]:
    """The terms check. ``shared`` (private to the pipeline) receives the canonical N-Quads of
    the document without its proof as ``"unsecured"`` for the proof check, when known."""
    try:
        if shared is None:
            canonicalize(document, ctx.registry)
        else:
            unsecured: Any = importlib.import_module("microcred.canon._unsecured")
            _, text = unsecured.canonicalize_with_unsecured(document, ctx.registry)
            if text is not None:
                shared["unsecured"] = text
    except UndefinedTerm as exc:
        return [
            Check(
                "terms",
                "fail",
                f"{exc.path}: {exc.term!r} is not defined by the credential's contexts; "
                "strict JSON-LD processors (the reference verifier) reject it",
            )
        ]
    except UnknownContext as exc:
        return [Check("terms", "fail", f"terms cannot be checked: unknown context {exc.url}")]
    except Error as exc:
        return [Check("terms", "fail", f"JSON-LD processing failed: {exc}")]
    return [Check("terms", "pass", "every property and type is defined by the contexts")]
