"""Profile (issuer, creator) and Achievement, with the EU micro-credential extension fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from microcred.errors import Problem

from ._fields import (
    LANG,
    RAW,
    STR,
    URI,
    F,
    Kind,
    LangText,
    Many,
    Model,
    Obj,
    Types,
    UriOr,
    child,
    number,
)
from .parts import Address, Alignment, Criteria, IdentifierEntry, Image, ResultDescription


@dataclass(frozen=True, slots=True)
class Profile(Model):
    """An issuer, creator or other party: ``id`` and ``type`` [``Profile``] are required."""

    id: str
    type: tuple[str, ...] = ("Profile",)
    name: LangText | None = None
    url: str | None = None
    phone: str | None = None
    description: LangText | None = None
    image: str | Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: tuple[IdentifierEntry, ...] = ()
    official: str | None = None
    parent_org: str | Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    endorsement: tuple[Any, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


Profile.FIELDS = (
    F("id", "id", URI, required=True),
    F("type", "type", Types("Profile"), required=True),
    F("name", "name", LANG),
    F("url", "url", URI),
    F("phone", "phone", STR),
    F("description", "description", LANG),
    F("image", "image", UriOr(Image)),
    F("email", "email", STR),
    F("address", "address", Obj(Address)),
    F("otherIdentifier", "other_identifier", Many(Obj(IdentifierEntry))),
    F("official", "official", STR),
    F("parentOrg", "parent_org", UriOr(Profile)),
    F("familyName", "family_name", STR),
    F("givenName", "given_name", STR),
    F("endorsement", "endorsement", Many(RAW)),
)


class _LearningOutcome(Kind):
    """``learningOutcome`` (``@container: [@language, @set]``): a string, an array of strings,
    or a language map whose values are strings or arrays of strings."""

    __slots__ = ()

    def parse(self, value: Any, path: str, problems: list[Problem]) -> Any:
        def strings(item: Any, where: str) -> bool:
            items = item if isinstance(item, list) else [item]
            bad = [i for i, text in enumerate(items) if not isinstance(text, str)]
            for i in bad:
                problems.append(
                    Problem(child(where, i) if isinstance(item, list) else where, "must be text")
                )
            return not bad

        if isinstance(value, Mapping):
            ok = all(strings(v, child(path, str(k))) for k, v in value.items())
            return dict(value) if ok and value else None
        return value if strings(value, path) else None


@dataclass(frozen=True, slots=True)
class Achievement(Model):
    """What is recognised. OB 3.0 requires id, type, name, description and criteria.

    The EU micro-credential elements (learning outcomes, ECTS credits, EQF level, assessment,
    participation mode, quality assurance, prerequisites, identity verification, grading,
    stackability) come from our extension context and are emitted only when set.
    """

    id: str
    name: LangText
    description: LangText
    criteria: Criteria
    type: tuple[str, ...] = ("Achievement",)
    achievement_type: str | None = None
    alignment: tuple[Alignment, ...] = ()
    creator: Profile | None = None
    credits_available: float | None = None
    field_of_study: LangText | None = None
    human_code: str | None = None
    image: str | Image | None = None
    in_language: str | None = None
    other_identifier: tuple[IdentifierEntry, ...] = ()
    result_description: tuple[ResultDescription, ...] = ()
    specialization: LangText | None = None
    tag: tuple[str, ...] = ()
    version: str | None = None
    endorsement: tuple[Any, ...] = ()
    # EU micro-credential extension (https://w3id.org/microcred/contexts/eu-microcredential/v1)
    learning_outcome: Any = None
    credit_ects: float | None = None
    eqf_level: int | None = None
    assessment_type: str | None = None
    participation_mode: str | None = None
    quality_assurance: str | None = None
    prerequisite: tuple[str, ...] = ()
    identity_verification: str | None = None
    grading_scheme: str | None = None
    stackability: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI, required=True),
        F("type", "type", Types("Achievement"), required=True),
        F("achievementType", "achievement_type", STR),
        F("name", "name", LANG, required=True),
        F("description", "description", LANG, required=True),
        F("criteria", "criteria", Obj(Criteria), required=True),
        F("alignment", "alignment", Many(Obj(Alignment))),
        F("creator", "creator", Obj(Profile)),
        F("creditsAvailable", "credits_available", number(minimum=0)),
        F("fieldOfStudy", "field_of_study", LANG),
        F("humanCode", "human_code", STR),
        F("image", "image", UriOr(Image)),
        F("inLanguage", "in_language", STR),
        F("otherIdentifier", "other_identifier", Many(Obj(IdentifierEntry))),
        F("resultDescription", "result_description", Many(Obj(ResultDescription))),
        F("specialization", "specialization", LANG),
        F("tag", "tag", Many(STR)),
        F("version", "version", STR),
        F("endorsement", "endorsement", Many(RAW)),
        F("learningOutcome", "learning_outcome", _LearningOutcome()),
        F("creditECTS", "credit_ects", number(minimum=0)),
        F("eqfLevel", "eqf_level", number(integer=True, minimum=1, maximum=8)),
        F("assessmentType", "assessment_type", STR),
        F("participationMode", "participation_mode", STR),
        F("qualityAssurance", "quality_assurance", STR),
        F("prerequisite", "prerequisite", Many(STR)),
        F("identityVerification", "identity_verification", STR),
        F("gradingScheme", "grading_scheme", STR),
        F("stackability", "stackability", STR),
    )

    #: JSON names of the EU micro-credential extension terms
    EU_TERMS: ClassVar[frozenset[str]] = frozenset(
        {
            "learningOutcome",
            "creditECTS",
            "eqfLevel",
            "assessmentType",
            "participationMode",
            "qualityAssurance",
            "prerequisite",
            "identityVerification",
            "gradingScheme",
            "stackability",
        }
    )

    def uses_eu_extension(self) -> bool:
        """True when any EU micro-credential element is set."""
        emitted = self.to_json()
        return any(term in emitted for term in self.EU_TERMS)


__all__ = ["Achievement", "Profile"]
