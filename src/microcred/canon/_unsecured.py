"""Canonicalize a secured document and its unsecured form from one JSON-LD walk (private).

The verifier's terms check canonicalizes the whole credential, proof included; the proof
check needs the canonical form of the credential without its ``proof``. Both come from one
walk here: the quads of the ``proof`` member are a contiguous slice of the walk's output, and
the rest is exactly the RDF dataset of the unsecured document (with other blank node labels,
which RDFC-1.0 does not see).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.canon.jsonld import to_rdf_split
from microcred.canon.rdfc import canonicalize
from microcred.contexts.registry import ContextRegistry
from microcred.errors import Error

__all__ = ["canonicalize_with_unsecured"]


def canonicalize_with_unsecured(
    document: Mapping[str, Any], registry: ContextRegistry | None = None, key: str = "proof"
) -> tuple[str, str | None]:
    """``canonicalize_document(document)`` and, when it can be told from the same walk,
    ``canonicalize_document(document without key)`` (else None). Raises what
    ``canonicalize_document(document)`` raises."""
    quads, rest = to_rdf_split(document, key, registry=registry)
    text = canonicalize(quads)
    if rest is None:
        return text, None
    try:
        return text, canonicalize(rest)
    except Error:
        return text, None  # let the proof check meet the error on its own
