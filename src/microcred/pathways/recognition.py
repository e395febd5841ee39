"""Recognition of credentials earned elsewhere toward a pathway step.

An organisation maps an external achievement — by issuer id and achievement id, or by an
alignment to a skill URI — to an item of a step ("counts as"). A learner's imported credential
that matches counts only when its import verified, it has not expired, and the mapping's expiry
policy ("recognised for N days after it was issued") still holds; otherwise the reason is kept
so the learner can be told why (docs/decisions/0026-recognition-of-external-credentials.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: the verdict of a matching credential
COUNTS = "counts"
NOT_VERIFIED = "not_verified"  # unknown issuer, status unknown, not verifiable
REVOKED = "revoked"
SUSPENDED = "suspended"
TAMPERED = "tampered"
EXPIRED = "expired"  # the credential's own expiry has passed
TOO_OLD = "too_old"  # the mapping's expiry policy has passed
NO_DATE = "no_date"  # the policy needs an issue date the credential does not give
NOT_HOLDER = "not_holder"  # it names someone else (not the importer's e-mail address)

_LABEL_REASONS = {
    "revoked": REVOKED,
    "suspended": SUSPENDED,
    "tampered": TAMPERED,
    "expired": EXPIRED,
}


@dataclass(frozen=True, slots=True)
class ExternalCredential:
    """What recognition needs from an imported credential (labelled by the wallet import)."""

    issuer_id: str
    achievement_id: str
    skill_uris: tuple[str, ...]
    label: str  # the wallet's verification label: "valid", "revoked", "tampered", …
    issued_on: datetime | None
    expires_on: datetime | None
    names_holder: bool = True  # it was issued to the person who imported it


@dataclass(frozen=True, slots=True)
class RecognitionRule:
    """An external achievement recognised as an item: by issuer + achievement id, or by skill.
    ``valid_for_days`` (None: only the credential's own expiry) limits how long it counts."""

    issuer_id: str = ""
    achievement_id: str = ""
    skill_uri: str = ""
    valid_for_days: int | None = None


def matches(rule: RecognitionRule, credential: ExternalCredential) -> bool:
    """Whether ``credential`` is the external achievement ``rule`` names (exact ids)."""
    if rule.skill_uri:
        return rule.skill_uri in credential.skill_uris
    return bool(rule.issuer_id and rule.achievement_id) and (
        credential.issuer_id,
        credential.achievement_id,
    ) == (rule.issuer_id, rule.achievement_id)


def standing(rule: RecognitionRule, credential: ExternalCredential, now: datetime) -> str:
    """:data:`COUNTS`, or the reason a matching credential does not count (now)."""
    if credential.label != "valid":
        return _LABEL_REASONS.get(credential.label, NOT_VERIFIED)
    if not credential.names_holder:
        return NOT_HOLDER
    if credential.expires_on is not None and credential.expires_on <= now:
        return EXPIRED
    if rule.valid_for_days is not None:
        if credential.issued_on is None:
            return NO_DATE
        if credential.issued_on + timedelta(days=rule.valid_for_days) <= now:
            return TOO_OLD
    return COUNTS


# ----------------------------------------------------------------------------- reading


def _id_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def external_identity(document: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """(issuer id, achievement id, skill URIs of its alignments) of an OB 3.0 credential or an
    OB 2.0 assertion; empty strings where the document does not say."""
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    badge = document.get("badge")
    source = achievement if isinstance(achievement, Mapping) else badge
    issuer = document.get("issuer")
    if not issuer and isinstance(badge, Mapping):
        issuer = badge.get("issuer")
    alignments = source.get("alignment") if isinstance(source, Mapping) else None
    skills = tuple(
        dict.fromkeys(
            str(a["targetUrl"])
            for a in (alignments if isinstance(alignments, list) else [])[:100]
            if isinstance(a, Mapping) and isinstance(a.get("targetUrl"), str)
        )
    )
    return _id_of(issuer), _id_of(source), skills


def _email_matches(identity: Mapping[str, Any], emails: list[str]) -> bool:
    value = identity.get("identityHash", identity.get("identity"))
    if not isinstance(value, str):
        return False
    if not identity.get("hashed"):
        return value.strip().lower() in emails or value.strip() in emails
    salt = identity.get("salt") if isinstance(identity.get("salt"), str) else ""
    algorithm, _sep, digest = value.partition("$")
    if algorithm.lower() != "sha256":
        return False
    return any(
        hashlib.sha256((email + str(salt)).encode()).hexdigest() == digest.lower()
        for email in emails
    )


def names_recipient(document: Mapping[str, Any], emails: Iterable[str]) -> bool:
    """Whether the credential was issued to one of ``emails``: an OB 3.0 subject ``id`` of
    ``mailto:<email>`` or an ``emailAddress`` identifier (plain or salted SHA-256), or an
    OB 2.0 ``recipient`` of type email. A subject named only by a DID matches no e-mail."""
    given = [e.strip() for e in emails if e.strip()]
    wanted = sorted({*given, *(e.lower() for e in given)})  # as given, and lower-cased
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if isinstance(subject, Mapping):
        subject_id = subject.get("id")
        mailto = subject_id.lower() if isinstance(subject_id, str) else ""
        if mailto.startswith("mailto:") and mailto[len("mailto:") :] in wanted:
            return True
        identifiers = subject.get("identifier")
        for identity in identifiers if isinstance(identifiers, list) else []:
            if (
                isinstance(identity, Mapping)
                and identity.get("identityType") == "emailAddress"
                and _email_matches(identity, wanted)
            ):
                return True
    recipient = document.get("recipient")
    if isinstance(recipient, Mapping) and recipient.get("type") == "email":
        return _email_matches(recipient, wanted)
    return False
