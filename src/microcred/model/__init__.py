"""Typed wire models for Open Badges 3.0, VC 2.0 and CLR 2.0.

``Model.from_json(obj)`` validates and raises :class:`~microcred.errors.InvalidCredential`
listing every problem with its JSON path; ``to_json()`` emits what the OB 3.0 JSON Schema
accepts. ``build_credential`` assembles an unsigned OpenBadgeCredential for issuing.
"""

from __future__ import annotations

from ._fields import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    LangText,
    Model,
    check_limits,
    is_uri,
    parse_datetime,
)
from .achievement import Achievement, Profile
from .credential import (
    CLR_V2P0,
    EU_MICROCREDENTIAL,
    OB_V3P0,
    VC_V1,
    VC_V2,
    AchievementCredential,
    AchievementSubject,
    AnyCredential,
    ClrCredential,
    ClrSubject,
    Credential,
    EndorsementCredential,
    EndorsementSubject,
    OpenBadgeCredential,
    build_credential,
    parse_credential,
)
from .parts import (
    Address,
    Alignment,
    Criteria,
    Evidence,
    IdentifierEntry,
    IdentityObject,
    Image,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    hashed_email_identity,
)

__all__ = [
    "CLR_V2P0",
    "EU_MICROCREDENTIAL",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "OB_V3P0",
    "VC_V1",
    "VC_V2",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "AnyCredential",
    "ClrCredential",
    "ClrSubject",
    "Credential",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "LangText",
    "Model",
    "OpenBadgeCredential",
    "Profile",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "build_credential",
    "check_limits",
    "hashed_email_identity",
    "is_uri",
    "parse_credential",
    "parse_datetime",
]
