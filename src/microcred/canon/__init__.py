"""RDFC-1.0 canonicalization and JSON-LD → RDF (the hot path of signing and verifying).

>>> from microcred.canon import canonicalize_document
>>> canonicalize_document({"@context": "https://www.w3.org/ns/credentials/v2",
...                        "id": "urn:ex:1", "name": "x"})
'<urn:ex:1> <https://schema.org/name> "x" .\\n'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.canon.jsonld import canonicalize_tree, to_rdf
from microcred.canon.rdfc import canonicalize
from microcred.contexts.registry import ContextRegistry

__all__ = ["canonicalize_document", "to_rdf"]


def canonicalize_document(
    document: Mapping[str, Any],
    *,
    registry: ContextRegistry | None = None,
    hash_algorithm: str = "sha256",
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (strict: undefined terms raise)."""
    text = canonicalize_tree(document, registry=registry, hash_algorithm=hash_algorithm)
    if text is not None:
        return text
    return canonicalize(to_rdf(document, registry=registry), hash_algorithm=hash_algorithm)
