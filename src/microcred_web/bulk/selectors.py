"""Reads for bulk issuance; every query takes the organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred_web.achievements.models import AchievementStatus, AchievementVersion
from microcred_web.bulk.models import BulkJob, BulkRowProblem
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation


def bulk_job_list(*, organisation: Organisation) -> QuerySet[BulkJob]:
    return BulkJob.objects.filter(organisation=organisation).select_related(
        "achievement_version", "created_by"
    )


def bulk_job_get(*, organisation: Organisation, job_id: int) -> BulkJob | None:
    return bulk_job_list(organisation=organisation).filter(pk=job_id).first()


def issuable_versions(*, organisation: Organisation) -> QuerySet[AchievementVersion]:
    """The current version of each published achievement of the organisation."""
    return (
        AchievementVersion.objects.filter(
            achievement__organisation=organisation,
            achievement__status=AchievementStatus.PUBLISHED,
            achievement__current_version_id__isnull=False,
        )
        .filter(pk__in=organisation.achievements.values("current_version_id"))
        .order_by("name")
    )


def problems_of(*, job: BulkJob, first_row: int = 0, stop_row: int | None = None) -> dict[int, str]:
    """Row number → outcome, for rows that will not (or did not) get a credential."""
    rows = BulkRowProblem.objects.filter(job=job, row__gte=first_row)
    if stop_row is not None:
        rows = rows.filter(row__lt=stop_row)
    return dict(rows.values_list("row", "outcome"))


def credentials_of_job(*, job: BulkJob) -> dict[int, str]:
    """Row number → credential public id, for the rows of ``job`` that were issued."""
    prefix = f"{job.pk}:"
    found: dict[int, str] = {}
    for source_key, public_id in (
        Credential.objects.filter(
            organisation_id=job.organisation_id, source_key__startswith=prefix
        )
        .values_list("source_key", "public_id")
        .iterator(chunk_size=5000)
    ):
        if source_key:
            found[int(source_key[len(prefix) :])] = str(public_id)
    return found
