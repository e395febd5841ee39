"""Evidence rows from credentials: issued here (issuing) and imported + verified (wallet).

:func:`evidence_sync_credentials` and :func:`evidence_sync_person` compare what each source
says *now* (active, suspended, revoked; its alignments; its expiry) with the latest row of that
source and append a row only where they differ, so running them again adds nothing
(idempotent). They run in the background task queued after issuing, a status change, a claim
or a wallet import (see :mod:`microcred_web.skills.receivers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from microcred.skills import EvidenceKind, SourceState
from microcred_web.accounts.models import User
from microcred_web.achievements.models import AchievementVersion
from microcred_web.issuing import selectors as issuing_selectors
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.skills.models import (
    Alignment,
    CrosswalkRelation,
    CrosswalkState,
    ProficiencyScale,
    Skill,
    SkillCrosswalk,
    SkillEvidence,
)
from microcred_web.skills.scale_conversion import imported_levels
from microcred_web.wallet import selectors as wallet_selectors
from microcred_web.wallet.models import ImportedCredential, ImportLabel


@dataclass(frozen=True)
class Claim:
    """What one source says about one skill now."""

    skill_id: int
    level: int
    state: str
    observed_at: datetime
    valid_until: datetime | None
    external: bool
    note: str


def _alignment_urls(achievement_json: Any) -> list[str]:
    rows = achievement_json.get("alignment") if isinstance(achievement_json, Mapping) else None
    return [
        str(row["targetUrl"])
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, Mapping) and isinstance(row.get("targetUrl"), str)
    ]


def _lowest_level(organisation: Organisation) -> int:
    scale = ProficiencyScale.objects.filter(organisation=organisation, is_default=True).first()
    return scale.as_scale().lowest if scale is not None else 1


def _skills_by_url(organisation: Organisation, urls: Iterable[str]) -> dict[str, Skill]:
    wanted = set(urls)
    if not wanted:
        return {}
    return {s.uri: s for s in Skill.objects.filter(organisation=organisation, uri__in=wanted)}


def _exact_matches(organisation: Organisation, skill_ids: Iterable[int]) -> dict[int, list[int]]:
    """Skills confirmed as exact matches of each given skill (either direction, one step)."""
    ids = set(skill_ids)
    if not ids:
        return {}
    rows = SkillCrosswalk.objects.filter(
        organisation=organisation,
        state=CrosswalkState.CONFIRMED,
        relation=CrosswalkRelation.EXACT,
    ).filter(Q(source_id__in=ids) | Q(target_id__in=ids))
    found: dict[int, list[int]] = {}
    for source, target in rows.values_list("source_id", "target_id"):
        if source in ids:
            found.setdefault(source, []).append(target)
        if target in ids:
            found.setdefault(target, []).append(source)
    return found


def with_exact_matches(
    organisation: Organisation, backed: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """(skill id, level) pairs a source backs, plus each skill's confirmed exact matches at the
    same level (decision 0028); a skill reached twice keeps its highest level."""
    levels = dict(backed)
    matches = _exact_matches(organisation, levels)
    for skill_id, level in backed:
        for other in matches.get(skill_id, []):
            levels[other] = max(levels.get(other, 0), level)
    return list(levels.items())


def _credential_state(credential: Credential) -> str:
    if credential.revoked_at is not None:
        return SourceState.REVOKED
    if credential.suspended_at is not None:
        return SourceState.SUSPENDED
    return SourceState.ACTIVE


#: per achievement version: [(skill id, level)] it backs (computed once per sync run)
VersionSkills = dict[int, list[tuple[int, int]]]


def _version_skills(
    organisation: Organisation, version: AchievementVersion, cache: VersionSkills
) -> list[tuple[int, int]]:
    """Skills a version's credentials back: the alignments it carries (by skill URI), at the
    level the achievement is aligned with (the scale's lowest when no level was set)."""
    if version.pk not in cache:
        skills = _skills_by_url(organisation, _alignment_urls(version.achievement_json))
        levels = dict(
            Alignment.objects.filter(
                achievement_id=version.achievement_id, skill__in=list(skills.values())
            ).values_list("skill_id", "level")
        )
        lowest = _lowest_level(organisation)
        backed = [(s.pk, levels.get(s.pk, lowest)) for s in skills.values()]
        cache[version.pk] = with_exact_matches(organisation, backed)
    return cache[version.pk]


def _credential_claims(
    organisation: Organisation, credential: Credential, cache: VersionSkills
) -> list[Claim]:
    version = credential.achievement_version
    note = f"Signed by {organisation.name}: {version.name} (version {version.number})"
    return [
        Claim(
            skill_id=skill_id,
            level=level,
            state=_credential_state(credential),
            observed_at=credential.issued_at,
            valid_until=credential.valid_until,
            external=False,
            note=note,
        )
        for skill_id, level in _version_skills(organisation, version, cache)
    ]


def _imported_claims(organisation: Organisation, imported: ImportedCredential) -> list[Claim]:
    """Skills an imported credential backs: only a verified one (valid, or expired — then it
    lapses) counts; revoked, suspended, tampered or unverifiable ones back nothing."""
    document = imported.document or {}
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    skills = _skills_by_url(organisation, _alignment_urls(achievement or {}))
    if imported.label in (ImportLabel.VALID, ImportLabel.EXPIRED):
        state = SourceState.ACTIVE
    elif imported.label == ImportLabel.SUSPENDED:
        state = SourceState.SUSPENDED
    else:
        state = SourceState.REVOKED
    lowest = _lowest_level(organisation)
    note = f"Issued by {imported.issuer_name or imported.issuer_id}; verified on import " + (
        imported.verified_at.date().isoformat()
    )
    # a level stated on another scale (a rubric level, a score) is converted to ours
    converted = imported_levels(
        organisation=organisation,
        achievement=achievement if isinstance(achievement, Mapping) else {},
        results=subject.get("result") or [] if isinstance(subject, Mapping) else [],
        skill_urls=list(skills),
    )
    notes = {
        skill.pk: f"{note}; {converted[url].note}"
        for url, skill in skills.items()
        if url in converted
    }
    own = [
        (skill.pk, converted[url].level if url in converted else lowest)
        for url, skill in skills.items()
    ]
    return [
        Claim(
            skill_id=skill_id,
            level=level,
            state=state,
            observed_at=imported.issued_on or imported.created_at,
            valid_until=imported.expires_on,
            external=True,
            note=notes.get(skill_id, note),
        )
        for skill_id, level in with_exact_matches(organisation, own)
    ]


def _append(
    organisation: Organisation, user_id: int, source: str, claims: list[Claim], kind: int
) -> int:
    """Rows for what changed since the latest row of ``source`` per skill; a skill the source
    no longer backs (alignment or exact crosswalk removed, import deleted) gets a suspended
    row: it stops counting, and counts again if the source names it again."""
    latest: dict[int, SkillEvidence] = {}
    for row in SkillEvidence.objects.filter(
        organisation=organisation, user_id=user_id, source=source
    ).order_by("id"):
        latest[row.skill_id] = row
    new: list[SkillEvidence] = []
    claimed = {claim.skill_id for claim in claims}
    for claim in claims:
        known = latest.get(claim.skill_id)
        if known is not None and known.state == SourceState.REVOKED:
            continue  # a revocation is final
        if known is not None and (known.state, known.level, known.valid_until) == (
            claim.state,
            claim.level,
            claim.valid_until,
        ):
            continue
        if known is None and claim.state != SourceState.ACTIVE:
            continue  # never seen active: nothing to withdraw
        new.append(
            SkillEvidence(
                organisation=organisation,
                user_id=user_id,
                skill_id=claim.skill_id,
                kind=kind,
                level=claim.level,
                source=source,
                state=claim.state,
                observed_at=claim.observed_at,
                valid_until=claim.valid_until,
                external=claim.external,
                note=claim.note[:500],
            )
        )
    for skill_id, known in latest.items():
        if skill_id not in claimed and known.state == SourceState.ACTIVE:
            # suspended, not revoked: if the source names the skill again (an alignment or an
            # exact crosswalk restored), a later active row counts again (decision 0028)
            new.append(
                SkillEvidence(
                    organisation=organisation,
                    user_id=user_id,
                    skill_id=skill_id,
                    kind=known.kind,
                    level=known.level,
                    source=source,
                    state=SourceState.SUSPENDED,
                    observed_at=known.observed_at,
                    valid_until=known.valid_until,
                    external=known.external,
                    note="No longer backed by this source",
                )
            )
    SkillEvidence.objects.bulk_create(new)
    return len(new)


def _holder_id(organisation: Organisation, credential: Credential) -> int | None:
    if credential.recipient_user_id is not None:
        return int(credential.recipient_user_id)
    if not credential.recipient_email:
        return None
    members = Membership.objects.filter(organisation=organisation, is_active=True)
    user = User.objects.filter(
        email__iexact=credential.recipient_email, memberships__in=members
    ).first()
    return user.pk if user is not None else None


@transaction.atomic
def evidence_sync_credentials(*, organisation: Organisation, credential_ids: list[int]) -> int:
    """Bring the evidence of credentials issued here up to date; returns rows added."""
    added = 0
    cache: VersionSkills = {}
    credentials = issuing_selectors.credential_list(organisation=organisation).filter(
        pk__in=credential_ids
    )
    for credential in credentials.select_related("achievement_version__achievement"):
        user_id = _holder_id(organisation, credential)
        if user_id is None:
            continue
        claims = _credential_claims(organisation, credential, cache)
        added += _append(
            organisation,
            user_id,
            f"credential:{credential.public_id}",
            claims,
            EvidenceKind.VERIFIED_CREDENTIAL,
        )
    return added


@transaction.atomic
def evidence_sync_person(*, organisation: Organisation, user: Any) -> int:
    """Bring all evidence of one member that follows from records up to date: credentials
    issued here and imported, accepted assessments and passed quizzes."""
    ids = list(
        issuing_selectors.credential_list(organisation=organisation)
        .filter(
            Q(recipient_user_id=user.pk)
            | Q(recipient_user__isnull=True, recipient_email__iexact=user.email)
        )
        .values_list("pk", flat=True)
    )
    added = evidence_sync_credentials(organisation=organisation, credential_ids=ids)
    imported = {
        f"imported:{i.public_id}": i for i in wallet_selectors.imported_credentials_of(user=user)
    }
    for source, item in imported.items():
        added += _append(
            organisation,
            user.pk,
            source,
            _imported_claims(organisation, item),
            EvidenceKind.VERIFIED_CREDENTIAL,
        )
    gone = (
        SkillEvidence.objects.filter(
            organisation=organisation, user_id=user.pk, source__startswith="imported:"
        )
        .exclude(source__in=list(imported))
        .values_list("source", flat=True)
        .distinct()
    )
    for source in list(gone):
        added += _append(organisation, user.pk, source, [], EvidenceKind.VERIFIED_CREDENTIAL)
    from microcred_web.skills.assessed_evidence import evidence_sync_assessed

    return added + evidence_sync_assessed(organisation=organisation, user_id=user.pk)


def evidence_sync_user_everywhere(*, user_id: int) -> int:
    """After a wallet change: every organisation the person belongs to."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    added = 0
    for membership in Membership.objects.filter(user=user, is_active=True).select_related(
        "organisation"
    ):
        if Skill.objects.filter(organisation=membership.organisation).exists():
            added += evidence_sync_person(organisation=membership.organisation, user=user)
    return added


def evidence_sync_organisation(*, organisation: Organisation) -> int:
    added = 0
    members = Membership.objects.filter(organisation=organisation, is_active=True)
    for membership in members.select_related("user"):
        added += evidence_sync_person(organisation=organisation, user=membership.user)
    return added


def evidence_sync_later(
    *, organisation: Organisation, credential_ids: list[int] | None = None
) -> None:
    """After commit, queue the sync of ``credential_ids`` (None: the whole organisation)."""
    from microcred_web.skills.tasks import skills_credentials_task, skills_organisation_task

    organisation_id = organisation.pk
    if credential_ids is None:
        transaction.on_commit(
            lambda: skills_organisation_task.enqueue(organisation_id=organisation_id)
        )
    elif credential_ids:
        ids = list(credential_ids)
        transaction.on_commit(
            lambda: skills_credentials_task.enqueue(
                organisation_id=organisation_id, credential_ids=ids
            )
        )
