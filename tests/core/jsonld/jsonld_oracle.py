"""pyld as the oracle: its URDNA2015 canonical N-Quads of a document, offline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from microcred.contexts import ContextRegistry, default_registry, pyld_document_loader


def pyld_canonical(document: Mapping[str, Any], registry: ContextRegistry | None = None) -> str:
    loader = pyld_document_loader(registry or default_registry())
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
    }
    result = jsonld.normalize(dict(document), options)
    assert isinstance(result, str)
    return result
