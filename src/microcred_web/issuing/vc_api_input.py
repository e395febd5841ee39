"""Reading a VC-API ``/credentials/issue`` request into our issuing inputs.

The caller sends an unsigned OpenBadgeCredential naming one of the organisation's published
achievements (``credentialSubject.achievement.id``, the version's public URL) and the learner
(``credentialSubject.id`` as a DID and/or an un-hashed ``emailAddress`` identifier, or
``options.recipientEmail``). The credential we sign is built by our pipeline: our ids, issuer
profile, status entry and proof; evidence and results are carried over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from microcred_web.achievements.models import AchievementVersion
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.services import RecipientInput
from microcred_web.orgs.models import Organisation

_VERSION_PATH = re.compile(r"^/achievements/([0-9a-f-]{36})/v(\d+)$")
OB_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def _invalid(message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError("credential_invalid", message, field, status=422)


def _subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise _invalid("credentialSubject must be an object.", "credential.credentialSubject")
    return subject


def version_from_credential(
    credential: Mapping[str, Any], *, organisation: Organisation
) -> AchievementVersion:
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    if (
        not isinstance(types, list)
        or not all(isinstance(kind, str) for kind in types)
        or not OB_TYPES & set(types)
    ):
        raise _invalid("type must include OpenBadgeCredential.", "credential.type")
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer_id is not None and issuer_id != issuer_did(organisation):
        raise _invalid(
            f"issuer must be {issuer_did(organisation)} (or left out).", "credential.issuer"
        )
    achievement = _subject(credential).get("achievement")
    achievement_id = achievement.get("id") if isinstance(achievement, Mapping) else achievement
    field = "credential.credentialSubject.achievement.id"
    if not isinstance(achievement_id, str):
        raise _invalid("credentialSubject.achievement.id must name a published achievement.", field)
    base = str(settings.BASE_URL).rstrip("/")
    match = (
        _VERSION_PATH.match(achievement_id[len(base) :])
        if achievement_id.startswith(base + "/")
        else None
    )
    if match is None:
        raise _invalid(f"{achievement_id} is not an achievement of this server.", field)
    version = (
        AchievementVersion.objects.select_related("achievement")
        .filter(achievement__public_id=match[1], number=int(match[2]))
        .first()
    )
    if version is None or version.achievement.organisation_id != organisation.pk:
        raise ApplicationError("not_found", "No such achievement.", field, status=404)
    return version


def recipient_from_credential(
    credential: Mapping[str, Any], options: Mapping[str, Any]
) -> RecipientInput:
    subject = _subject(credential)
    did = subject.get("id") if isinstance(subject.get("id"), str) else None
    email = (
        options.get("recipientEmail") if isinstance(options.get("recipientEmail"), str) else None
    )
    identifiers = subject.get("identifier") or []
    for entry in identifiers if isinstance(identifiers, list) else []:
        if (
            isinstance(entry, Mapping)
            and entry.get("identityType") == "emailAddress"
            and entry.get("hashed") is False
            and isinstance(entry.get("identityHash"), str)
        ):
            email = email or entry["identityHash"]
    evidence = credential.get("evidence") or []
    result = subject.get("result") or []
    if not isinstance(evidence, list) or not all(isinstance(e, Mapping) for e in evidence):
        raise _invalid("evidence must be an array of objects.", "credential.evidence")
    if not isinstance(result, list) or not all(isinstance(r, Mapping) for r in result):
        raise _invalid(
            "credentialSubject.result must be an array of objects.",
            "credential.credentialSubject.result",
        )
    if did is None and email is None:
        raise _invalid(
            "Name the learner: credentialSubject.id (a DID) or an emailAddress identifier.",
            "credential.credentialSubject",
        )
    name = options.get("recipientName")
    source_key = options.get("sourceKey") or options.get("idempotencyKey")
    return RecipientInput(
        email=email,
        did=did,
        name=name if isinstance(name, str) else None,
        evidence=[dict(e) for e in evidence],
        result=[dict(r) for r in result],
        source_key=str(source_key) if source_key else None,
    )
