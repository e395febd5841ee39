"""Background work: evidence rows follow credentials within seconds (idempotent)."""

from __future__ import annotations

from django_tasks import task

from microcred_web.orgs.models import Organisation
from microcred_web.skills import evidence
from microcred_web.skills.models import Skill


@task()
def skills_credentials_task(*, organisation_id: int, credential_ids: list[int]) -> int:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not Skill.objects.filter(organisation=organisation).exists():
        return 0
    return evidence.evidence_sync_credentials(
        organisation=organisation, credential_ids=credential_ids
    )


@task()
def skills_wallet_task(*, user_id: int) -> int:
    return evidence.evidence_sync_user_everywhere(user_id=user_id)


@task()
def skills_organisation_task(*, organisation_id: int) -> int:
    """Every member (after a framework import: existing credentials may now name its skills)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return evidence.evidence_sync_organisation(organisation=organisation)


@task()
def skills_people_task(*, organisation_id: int, user_ids: list[int]) -> int:
    """After an accepted assessment or a quiz attempt: those people's assessed results."""
    from microcred_web.skills.assessed_evidence import evidence_sync_assessed

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not Skill.objects.filter(organisation=organisation).exists():
        return 0
    return sum(
        evidence_sync_assessed(organisation=organisation, user_id=user_id) for user_id in user_ids
    )


@task()
def skills_crosswalks_task(
    *,
    organisation_id: int,
    source_framework_id: int,
    target_framework_id: int,
    actor_id: int | None,
    per_source: int = 1,
    backend: str = "",
) -> int:
    """A crosswalk proposal run over a big framework (idempotent: known pairs are skipped)."""
    from microcred_web.accounts.models import User
    from microcred_web.skills.crosswalks import crosswalks_propose_run
    from microcred_web.skills.models import Framework

    frameworks = Framework.objects.filter(organisation_id=organisation_id)
    source = frameworks.filter(pk=source_framework_id).first()
    target = frameworks.filter(pk=target_framework_id).first()
    if source is None or target is None:
        return 0
    run = crosswalks_propose_run(
        organisation=source.organisation,
        actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
        source_framework=source,
        target_framework=target,
        per_source=per_source,
        backend=backend,
        refresh_vectors=True,
    )
    return run.created
