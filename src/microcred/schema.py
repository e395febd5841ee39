"""JSON Schema validation against the pinned OB 3.0 / CLR 2.0 schemas (offline only).

The schemas ship as package data (``microcred/schemas/``) and are checked against their
SHA-256 pins when loaded. ``$ref`` resolution never leaves the process: any reference that
is not inside the schema itself is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry
from referencing.exceptions import NoSuchResource

from microcred.errors import ContextIntegrityError, Problem
from microcred.model._fields import child

VC_V1 = "https://www.w3.org/2018/credentials/v1"

#: file → (SHA-256 of its bytes, JSON Schema draft)
PINNED: dict[str, tuple[str, str]] = {
    "ob_v3p0_achievementcredential_schema.json": (
        "86a141ff0c1b1a6b4e08460f786a8ffe0f737d8256a86243d134a2e6450efe4d",
        "2019-09",
    ),
    "ob_v3p0_achievementcredential_schema_draft4.json": (
        "125a8bd1f4dca186e23dc5142734a27193e867713580a0cdd4eea56752fab2bf",
        "draft-04",
    ),
    "clr_v2p0_clrcredential_schema_draft4.json": (
        "afaf415f32d639eb300c1207b99438b7261673e162aa940f497cbb283bd39e40",
        "draft-04",
    ),
}

#: credentialSchema ids that name a schema we ship (or that the model stands in for)
_OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema"
KNOWN_SCHEMA_IDS: dict[str, str | None] = {
    f"{_OB_SCHEMA}/json/ob_v3p0_achievementcredential_schema.json": (
        "ob_v3p0_achievementcredential_schema.json"
    ),
    f"{_OB_SCHEMA}/json-ld/ob_v3p0_achievementcredential_schema.json": (
        "ob_v3p0_achievementcredential_schema.json"
    ),
    # The VCDM-1.1 "any" variant: the draft-04 port is that era's achievement schema.
    f"{_OB_SCHEMA}/json/ob_v3p0_anyachievementcredential_schema.json": (
        "ob_v3p0_achievementcredential_schema_draft4.json"
    ),
    # The canonical endorsement schema is not in any mirror; the EndorsementCredential model
    # (required fields, types, URIs, dates) checks the same structure.
    f"{_OB_SCHEMA}/json/ob_v3p0_endorsementcredential_schema.json": None,
}

MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class SchemaResult:
    """The outcome of validating one document: ``schema`` is the file used (None = none
    applies), ``problems`` every violation with its JSON path, ``note`` a plain explanation."""

    schema: str | None
    problems: tuple[Problem, ...]
    note: str

    @property
    def ok(self) -> bool:
        return not self.problems


def _refuse(uri: str) -> Any:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """The pinned schema ``name`` (a key of :data:`PINNED`), checked against its SHA-256."""
    if name not in PINNED:
        raise ContextIntegrityError(f"schema {name!r} is not pinned")
    data = resources.files("microcred.schemas").joinpath(name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED[name][0]:
        raise ContextIntegrityError(f"schema {name!r}: SHA-256 {digest} does not match its pin")
    loaded: Mapping[str, Any] = json.loads(data)
    return loaded


@cache
def _validator(name: str) -> Any:
    schema = load_schema(name)
    cls: Any = (
        jsonschema.Draft201909Validator
        if PINNED[name][1] == "2019-09"
        else jsonschema.Draft4Validator
    )
    return cls(schema, registry=Registry(retrieve=_refuse))  # type: ignore[call-arg]


def schema_for(document: Mapping[str, Any]) -> tuple[str | None, str]:
    """Choose the pinned schema for ``document``: (file or None, why)."""
    raw_type = document.get("type")
    types = [raw_type] if isinstance(raw_type, str) else raw_type
    types = [t for t in types if isinstance(t, str)] if isinstance(types, list) else []
    contexts = document.get("@context")
    legacy = isinstance(contexts, list) and bool(contexts) and contexts[0] == VC_V1
    if "ClrCredential" in types:
        if legacy:
            return "clr_v2p0_clrcredential_schema_draft4.json", "CLR 2.0 schema (VCDM 1.1 form)"
        return None, "no CLR 2.0 schema for the VCDM 2.0 form exists in any mirror"
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        if legacy:
            return (
                "ob_v3p0_achievementcredential_schema_draft4.json",
                "OB 3.0 achievement schema (VCDM 1.1 form)",
            )
        return "ob_v3p0_achievementcredential_schema.json", "OB 3.0 achievement schema"
    if "EndorsementCredential" in types:
        return None, "the OB 3.0 endorsement schema is not shipped; the model checks its structure"
    return None, "no Open Badges schema applies to this credential type"


def validate_document(document: Mapping[str, Any], schema: str | None = None) -> SchemaResult:
    """Validate ``document`` against ``schema`` (default: :func:`schema_for`).

    A single ``proof`` object is accepted as a one-element array: the canonical 1EdTech
    schema accepts both, only the shipped json-ld variant insists on the array.
    """
    if schema is None:
        schema, note = schema_for(document)
        if schema is None:
            return SchemaResult(None, (), note)
    else:
        note = schema
    instance = dict(document)
    if isinstance(instance.get("proof"), Mapping):
        instance["proof"] = [instance["proof"]]
    problems: list[Problem] = []
    for error in _validator(schema).iter_errors(instance):
        path = "$"
        for key in error.absolute_path:
            path = child(path, key)
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        problems.append(Problem(path, message))
        if len(problems) >= MAX_PROBLEMS:
            break
    problems.sort(key=lambda p: p.path)
    return SchemaResult(schema, tuple(problems), note)


__all__ = [
    "KNOWN_SCHEMA_IDS",
    "PINNED",
    "SchemaResult",
    "load_schema",
    "schema_for",
    "validate_document",
]
