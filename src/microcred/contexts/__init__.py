"""Pinned JSON-LD contexts (package data) and the offline document loader.

>>> from microcred.contexts import default_registry
>>> default_registry().load("https://www.w3.org/ns/credentials/v2")["@context"]["id"]
'@id'
"""

from __future__ import annotations

from microcred.contexts.registry import (
    ENV_VAR,
    ContextRegistry,
    default_registry,
    pyld_document_loader,
)

#: Where the project's own contexts are named (each instance also serves them: decision 0022).
PROJECT_CONTEXTS_PREFIX = "https://w3id.org/microcred/contexts/"
#: Our former extension context for the EU micro-credential elements (Council Recommendation
#: 2022): credentials issued before decision 0022 carry it; new ones use OB 3.0 terms only.
EU_MICROCREDENTIAL_V1 = PROJECT_CONTEXTS_PREFIX + "eu-microcredential/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

__all__ = [
    "ENV_VAR",
    "EU_MICROCREDENTIAL_V1",
    "OB_V3P0_3_0_3",
    "PROJECT_CONTEXTS_PREFIX",
    "VC_V2",
    "ContextRegistry",
    "default_registry",
    "pyld_document_loader",
]
