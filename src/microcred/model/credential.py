"""OB 3.0 credentials (AchievementCredential / OpenBadgeCredential, EndorsementCredential) and
the CLR 2.0 ClrCredential, plus ``build_credential`` for the issuing product."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from microcred.errors import InvalidCredential, Problem

from ._fields import (
    DATETIME,
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
    UriOr,
    check_limits,
    child,
    is_uri,
    number,
)
from .achievement import Achievement, Profile
from .eu_elements import with_published_terms
from .parts import Evidence, IdentityObject, Image, Result

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2P0 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
EU_MICROCREDENTIAL = "https://w3id.org/microcred/contexts/eu-microcredential/v1"

OB_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")


@dataclass(frozen=True, slots=True)
class AchievementSubject(Model):
    """The recipient and what they achieved. ``id`` or ``identifier`` names the learner."""

    achievement: Achievement
    type: tuple[str, ...] = ("AchievementSubject",)
    id: str | None = None
    identifier: tuple[IdentityObject, ...] = ()
    activity_start_date: str | None = None
    activity_end_date: str | None = None
    credits_earned: float | None = None
    image: str | Image | None = None
    license_number: str | None = None
    narrative: LangText | None = None
    result: tuple[Result, ...] = ()
    role: str | None = None
    source: str | Profile | None = None
    term: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI),
        F("type", "type", Types("AchievementSubject"), required=True),
        F("activityStartDate", "activity_start_date", DATETIME),
        F("activityEndDate", "activity_end_date", DATETIME),
        F("creditsEarned", "credits_earned", number(minimum=0)),
        F("achievement", "achievement", Obj(Achievement), required=True),
        F("identifier", "identifier", Many(Obj(IdentityObject))),
        F("image", "image", UriOr(Image)),
        F("licenseNumber", "license_number", STR),
        F("narrative", "narrative", LANG),
        F("result", "result", Many(Obj(Result))),
        F("role", "role", STR),
        F("source", "source", UriOr(Profile)),
        F("term", "term", STR),
    )


@dataclass(frozen=True, slots=True)
class EndorsementSubject(Model):
    """What an endorsement is about (``id``) and the endorser's comment."""

    id: str
    type: tuple[str, ...] = ("EndorsementSubject",)
    endorsement_comment: LangText | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI, required=True),
        F("type", "type", Types("EndorsementSubject"), required=True),
        F("endorsementComment", "endorsement_comment", LANG),
    )


def _context_check(obj: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
    where = child(path, "@context")
    contexts = obj.get("@context")
    if contexts is None:
        problems.append(Problem(where, "is required"))
        return
    if not isinstance(contexts, list) or not contexts:
        problems.append(Problem(where, "must be a non-empty array"))
        return
    for index, item in enumerate(contexts):
        if not (is_uri(item) or isinstance(item, Mapping)):
            problems.append(Problem(child(where, index), "must be a context URL or an object"))
    if contexts[0] not in (VC_V2, VC_V1):
        problems.append(Problem(child(where, 0), f"must be {VC_V2!r}"))


def _dates_check(obj: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
    if obj.get("validFrom") is None and obj.get("issuanceDate") is None:
        problems.append(Problem(child(path, "validFrom"), "is required"))


def _proof_check(obj: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
    proof = obj.get("proof")
    if proof is None:
        return
    proofs = proof if isinstance(proof, list) else [proof]
    for index, item in enumerate(proofs):
        where = (
            child(child(path, "proof"), index) if isinstance(proof, list) else child(path, "proof")
        )
        if not isinstance(item, Mapping):
            problems.append(Problem(where, "must be an object"))
        elif not isinstance(item.get("type"), str | list):
            problems.append(Problem(child(where, "type"), "is required"))


S = TypeVar("S", bound=Model)


@dataclass(frozen=True, slots=True)
class Credential(Model, Generic[S]):
    """The VC 2.0 envelope shared by every credential class here.

    ``to_json`` emits @context first (VC 2.0, then OB 3.0.3, then extensions as needed),
    ``name`` always, and ``proof`` always as an array.
    """

    id: str
    issuer: str | Profile
    credential_subject: S
    context: tuple[Any, ...] = (VC_V2, OB_V3P0)
    type: tuple[str, ...] = ("VerifiableCredential",)
    name: LangText | None = None
    description: LangText | None = None
    image: str | Image | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    issuance_date: str | None = None
    expiration_date: str | None = None
    awarded_date: str | None = None
    evidence: tuple[Evidence, ...] = ()
    credential_schema: tuple[Any, ...] = ()
    credential_status: tuple[Any, ...] = ()
    refresh_service: Any = None
    terms_of_use: tuple[Any, ...] = ()
    endorsement: tuple[Any, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    proof: tuple[Any, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    TYPES: ClassVar[tuple[str, ...]] = ()
    SUBJECT: ClassVar[builtins.type[Model]] = Model
    BASE_CONTEXTS: ClassVar[tuple[str, ...]] = (VC_V2, OB_V3P0)
    CHECKS = (_context_check, _dates_check, _proof_check)

    @classmethod
    def fields_for(cls, subject: builtins.type[Model], *types: str) -> tuple[F, ...]:
        return (
            F("@context", "context", Many(RAW), required=True),
            F("id", "id", URI, required=True),
            F("type", "type", Types(*types, also="VerifiableCredential"), required=True),
            F("name", "name", LANG),
            F("description", "description", LANG),
            F("image", "image", UriOr(Image)),
            F("credentialSubject", "credential_subject", Obj(subject), required=True),
            F("issuer", "issuer", UriOr(Profile), required=True),
            F("validFrom", "valid_from", DATETIME),
            F("validUntil", "valid_until", DATETIME),
            F("issuanceDate", "issuance_date", DATETIME),
            F("expirationDate", "expiration_date", DATETIME),
            F("awardedDate", "awarded_date", DATETIME),
            F("evidence", "evidence", Many(Obj(Evidence))),
            F("credentialSchema", "credential_schema", Many(RAW)),
            F("credentialStatus", "credential_status", Many(RAW)),
            F("refreshService", "refresh_service", RAW),
            F("termsOfUse", "terms_of_use", Many(RAW)),
            F("endorsement", "endorsement", Many(RAW)),
            F("endorsementJwt", "endorsement_jwt", Many(STR)),
            F("proof", "proof", Many(RAW)),
        )

    @property
    def issuer_id(self) -> str:
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id

    def display_name(self) -> LangText:
        if self.name is not None:
            return self.name
        subject_name = _subject_name(self.credential_subject)
        return subject_name if subject_name is not None else LangText(self.type[-1])

    def needed_contexts(self) -> list[str]:
        """Extension contexts this credential's content needs beyond the base ones."""
        return []

    def to_json(self) -> dict[str, Any]:
        body = Model.to_json(self)
        given = list(self.context)
        if given and given[0] == VC_V1:
            contexts = given  # legacy VCDM 1.1 payloads are emitted as given
        else:
            contexts = list(self.BASE_CONTEXTS)
            contexts += [c for c in given if c not in contexts and not _is_base(c)]
            contexts += [c for c in self.needed_contexts() if c not in contexts]
        out: dict[str, Any] = {"@context": contexts}
        out.update((k, v) for k, v in body.items() if k != "@context")
        if "name" not in out:
            out["name"] = LANG.emit(self.display_name())
        if "proof" in out:
            proof = out.pop("proof")
            out["proof"] = proof  # keep proof last, always an array (Many emits arrays)
        return out


def _is_base(url: Any) -> bool:
    return isinstance(url, str) and (
        url in (VC_V2, VC_V1)
        or url.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")
        or url.startswith("https://purl.imsglobal.org/spec/clr/v2p0/context")
    )


def _subject_name(subject: Any) -> LangText | None:
    achievement = getattr(subject, "achievement", None)
    if isinstance(achievement, Achievement):
        return achievement.name
    name = getattr(subject, "name", None)
    return name if isinstance(name, LangText) else None


class AchievementCredential(Credential[AchievementSubject]):
    """An OB 3.0 ``OpenBadgeCredential`` (alias ``AchievementCredential``)."""

    __slots__ = ()
    FIELDS = Credential.fields_for(AchievementSubject, *OB_CREDENTIAL_TYPES)

    def needed_contexts(self) -> list[str]:
        achievement = self.credential_subject.achievement
        return [EU_MICROCREDENTIAL] if achievement.uses_eu_extension() else []


OpenBadgeCredential = AchievementCredential


class EndorsementCredential(Credential[EndorsementSubject]):
    """An OB 3.0 ``EndorsementCredential``."""

    __slots__ = ()
    FIELDS = Credential.fields_for(EndorsementSubject, "EndorsementCredential")


@dataclass(frozen=True, slots=True)
class ClrSubject(Model):
    """The learner and the credentials a CLR bundles (``verifiableCredential``)."""

    verifiable_credential: tuple[AchievementCredential, ...]
    type: tuple[str, ...] = ("ClrSubject",)
    id: str | None = None
    identifier: tuple[IdentityObject, ...] = ()
    name: LangText | None = None
    description: LangText | None = None
    achievement: tuple[Achievement, ...] = ()
    association: tuple[Any, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    FIELDS: ClassVar[tuple[F, ...]] = (
        F("id", "id", URI),
        F("type", "type", Types("ClrSubject"), required=True),
        F("identifier", "identifier", Many(Obj(IdentityObject))),
        F("name", "name", LANG),
        F("description", "description", LANG),
        F("achievement", "achievement", Many(Obj(Achievement))),
        F("verifiableCredential", "verifiable_credential", Many(Obj(AchievementCredential)), True),
        F("association", "association", Many(RAW)),
    )


class ClrCredential(Credential[ClrSubject]):
    """A CLR 2.0 ``ClrCredential``: a signed bundle of achievement credentials."""

    __slots__ = ()
    FIELDS = Credential.fields_for(ClrSubject, "ClrCredential")
    BASE_CONTEXTS = (VC_V2, CLR_V2P0, OB_V3P0)


AnyCredential = AchievementCredential | EndorsementCredential | ClrCredential


def parse_credential(obj: object) -> AnyCredential:
    """Parse any supported credential, choosing the model from its ``type``.

    Raises :class:`InvalidCredential` (every problem, with its JSON path) or ``LimitExceeded``.
    """
    check_limits(obj)
    if not isinstance(obj, Mapping):
        raise InvalidCredential("not a credential", [Problem("$", "must be a JSON object")])
    raw_type = obj.get("type")
    types = [raw_type] if isinstance(raw_type, str) else raw_type
    types = types if isinstance(types, list) else []
    # the limits are checked above: the models skip checking them again
    if "ClrCredential" in types:
        return ClrCredential._from_checked_json(obj)
    if "EndorsementCredential" in types:
        return EndorsementCredential._from_checked_json(obj)
    return AchievementCredential._from_checked_json(obj)


def build_credential(
    *,
    id: str,
    issuer: Profile,
    achievement: Achievement,
    subject: AchievementSubject | str | Iterable[IdentityObject] | IdentityObject,
    valid_from: str,
    valid_until: str | None = None,
    evidence: Iterable[Evidence] = (),
    result: Iterable[Result] = (),
    credential_status: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
    name: LangText | str | None = None,
) -> dict[str, Any]:
    """Build an unsigned OpenBadgeCredential as JSON, validated on the way out.

    The model and the OB 3.0 JSON Schema both check the result. Note that the OB 3.0 schema
    and context take plain strings for ``name``/``description``; language maps are only
    accepted where a context declares a language container (e.g. ``learningOutcome``).

    ``subject`` is an AchievementSubject, the learner's id (a URI such as a DID), or one or
    more IdentityObjects (e.g. from ``hashed_email_identity``). The result round-trips
    through ``AchievementCredential.from_json``; problems raise :class:`InvalidCredential`.

    EU micro-credential elements set on ``achievement`` are written as OB 3.0 alignments
    (:mod:`microcred.model.eu_elements`), so the credential needs only published contexts.
    """
    results = tuple(result)
    if achievement.uses_eu_extension():
        converted = with_published_terms(achievement.to_json())
        if not Achievement.EU_TERMS & set(converted):  # else the checks below name the value
            # on a problem the original is checked below, with the credential's paths
            with contextlib.suppress(InvalidCredential):
                achievement = Achievement.from_json(converted)
    if isinstance(subject, AchievementSubject):
        subject_model = subject
    elif isinstance(subject, str):
        subject_model = AchievementSubject(achievement=achievement, id=subject, result=results)
    else:
        identities = (subject,) if isinstance(subject, IdentityObject) else tuple(subject)
        subject_model = AchievementSubject(
            achievement=achievement, identifier=identities, result=results
        )
    if isinstance(credential_status, Mapping):
        statuses: tuple[Any, ...] = (dict(credential_status),)
    else:
        statuses = tuple(dict(s) for s in credential_status or ())
    credential = AchievementCredential(
        id=id,
        issuer=issuer,
        credential_subject=subject_model,
        type=("VerifiableCredential", "OpenBadgeCredential"),
        name=LangText(name) if isinstance(name, str) else name,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=tuple(evidence),
        credential_status=statuses,
    )
    out = credential.to_json()
    if len(statuses) == 1:
        out["credentialStatus"] = statuses[0]
    AchievementCredential.from_json(out)  # every problem, with its path, before anyone signs
    from microcred.schema import validate_document  # the schema is the OB 3.0 wire contract

    checked = validate_document(out)
    if checked.problems:
        raise InvalidCredential("does not match the OB 3.0 JSON Schema", list(checked.problems))
    return out


__all__ = [
    "CLR_V2P0",
    "EU_MICROCREDENTIAL",
    "OB_V3P0",
    "VC_V1",
    "VC_V2",
    "AchievementCredential",
    "AchievementSubject",
    "AnyCredential",
    "ClrCredential",
    "ClrSubject",
    "Credential",
    "EndorsementCredential",
    "EndorsementSubject",
    "OpenBadgeCredential",
    "build_credential",
    "parse_credential",
]
