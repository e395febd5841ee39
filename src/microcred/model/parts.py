"""Small OB 3.0 building blocks: Image, Criteria, Alignment, identifiers, results, evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from microcred.errors import Problem

from ._fields import (
    BOOL,
    LANG,
    RAW,
    STR,
    URI,
    F,
    LangText,
    Many,
    Model,
    Obj,
    Types,
)


@dataclass(frozen=True, slots=True)
class Image(Model):
    """An image: ``id`` is its URI (often a data: URI)."""

    id: str
    type: tuple[str, ...] = ("Image",)
    caption: LangText | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI, required=True),
        F("type", "type", Types("Image", single=True), required=True),
        F("caption", "caption", LANG),
    )


@dataclass(frozen=True, slots=True)
class Criteria(Model):
    """How the achievement is earned: a ``narrative`` (Markdown) and/or an ``id`` URI."""

    id: str | None = None
    narrative: LangText | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI),
        F("narrative", "narrative", LANG),
    )

    @staticmethod
    def _needs_one(obj: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
        if obj.get("id") is None and obj.get("narrative") is None:
            problems.append(Problem(path, "needs an id or a narrative"))

    CHECKS = (_needs_one,)


@dataclass(frozen=True, slots=True)
class Alignment(Model):
    """An alignment to a skill, competency or framework node."""

    target_name: LangText
    target_url: str
    type: tuple[str, ...] = ("Alignment",)
    target_code: str | None = None
    target_description: LangText | None = None
    target_framework: LangText | None = None
    target_type: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("type", "type", Types("Alignment"), required=True),
        F("targetName", "target_name", LANG, required=True),
        F("targetUrl", "target_url", URI, required=True),
        F("targetCode", "target_code", STR),
        F("targetDescription", "target_description", LANG),
        F("targetFramework", "target_framework", LANG),
        F("targetType", "target_type", STR),
    )


@dataclass(frozen=True, slots=True)
class IdentifierEntry(Model):
    """Another identifier of a profile or achievement (``otherIdentifier``)."""

    identifier: str
    identifier_type: str
    type: tuple[str, ...] = ("IdentifierEntry",)
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("type", "type", Types("IdentifierEntry"), required=True),
        F("identifier", "identifier", STR, required=True),
        F("identifierType", "identifier_type", STR, required=True),
    )


@dataclass(frozen=True, slots=True)
class Address(Model):
    """A postal address."""

    type: tuple[str, ...] = ("Address",)
    address_country: LangText | None = None
    address_country_code: str | None = None
    address_region: LangText | None = None
    address_locality: LangText | None = None
    street_address: LangText | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("type", "type", Types("Address"), required=True),
        F("addressCountry", "address_country", LANG),
        F("addressCountryCode", "address_country_code", STR),
        F("addressRegion", "address_region", LANG),
        F("addressLocality", "address_locality", LANG),
        F("streetAddress", "street_address", LANG),
        F("postOfficeBoxNumber", "post_office_box_number", STR),
        F("postalCode", "postal_code", STR),
        F("geo", "geo", RAW),
    )


@dataclass(frozen=True, slots=True)
class RubricCriterionLevel(Model):
    """One level of a rubric criterion."""

    id: str
    name: LangText
    type: tuple[str, ...] = ("RubricCriterionLevel",)
    description: LangText | None = None
    level: LangText | None = None
    points: str | None = None
    alignment: tuple[Alignment, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI, required=True),
        F("type", "type", Types("RubricCriterionLevel"), required=True),
        F("name", "name", LANG, required=True),
        F("description", "description", LANG),
        F("level", "level", LANG),
        F("points", "points", STR),
        F("alignment", "alignment", Many(Obj(Alignment))),
    )


@dataclass(frozen=True, slots=True)
class ResultDescription(Model):
    """Describes a possible result of an achievement (a grade, a score, a level)."""

    id: str
    name: LangText
    result_type: str
    type: tuple[str, ...] = ("ResultDescription",)
    allowed_value: tuple[str, ...] = ()
    required_level: str | None = None
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    rubric_criterion_level: tuple[RubricCriterionLevel, ...] = ()
    alignment: tuple[Alignment, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI, required=True),
        F("type", "type", Types("ResultDescription"), required=True),
        F("name", "name", LANG, required=True),
        F("resultType", "result_type", STR, required=True),
        F("allowedValue", "allowed_value", Many(STR)),
        F("requiredLevel", "required_level", URI),
        F("requiredValue", "required_value", STR),
        F("valueMin", "value_min", STR),
        F("valueMax", "value_max", STR),
        F("rubricCriterionLevel", "rubric_criterion_level", Many(Obj(RubricCriterionLevel))),
        F("alignment", "alignment", Many(Obj(Alignment))),
    )


@dataclass(frozen=True, slots=True)
class IdentityObject(Model):
    """Identifies the recipient, possibly by a salted hash (``hashed_email_identity``)."""

    identity_hash: str
    identity_type: str
    hashed: bool
    type: tuple[str, ...] = ("IdentityObject",)
    salt: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("type", "type", Types("IdentityObject", single=True), required=True),
        F("hashed", "hashed", BOOL, required=True),
        F("identityHash", "identity_hash", STR, required=True),
        F("identityType", "identity_type", STR, required=True),
        F("salt", "salt", STR),
    )

    def matches_email(self, email: str) -> bool:
        """True when this identity names ``email`` (hashed or plain)."""
        if self.identity_type != "emailAddress":
            return False
        if not self.hashed:
            return self.identity_hash == email
        return hashed_email_identity(email, self.salt or "").identity_hash == self.identity_hash


def hashed_email_identity(email: str, salt: str) -> IdentityObject:
    """A hashed ``emailAddress`` identity: ``"sha256$" + hex(sha256(email + salt))``."""
    digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return IdentityObject(
        identity_hash=f"sha256${digest}",
        identity_type="emailAddress",
        hashed=True,
        salt=salt,
    )


@dataclass(frozen=True, slots=True)
class Evidence(Model):
    """Evidence of the achievement (a URL and/or a narrative)."""

    type: tuple[str, ...] = ("Evidence",)
    id: str | None = None
    narrative: LangText | None = None
    name: LangText | None = None
    description: LangText | None = None
    genre: LangText | None = None
    audience: LangText | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI),
        F("type", "type", Types("Evidence"), required=True),
        F("narrative", "narrative", LANG),
        F("name", "name", LANG),
        F("description", "description", LANG),
        F("genre", "genre", LANG),
        F("audience", "audience", LANG),
    )


@dataclass(frozen=True, slots=True)
class Result(Model):
    """A result the learner achieved (e.g. a grade), optionally tied to a ResultDescription."""

    type: tuple[str, ...] = ("Result",)
    achieved_level: str | None = None
    result_description: str | None = None
    status: str | None = None
    value: str | None = None
    alignment: tuple[Alignment, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("type", "type", Types("Result"), required=True),
        F("achievedLevel", "achieved_level", URI),
        F("resultDescription", "result_description", URI),
        F("status", "status", STR),
        F("value", "value", STR),
        F("alignment", "alignment", Many(Obj(Alignment))),
    )


__all__ = [
    "Address",
    "Alignment",
    "Criteria",
    "Evidence",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "hashed_email_identity",
]
