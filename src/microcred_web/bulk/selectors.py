"""Reads for bulk issuance; every query takes the organisation."""

from __future__ import annotations

from collections.abc import Iterable

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


def recipients_already_holding(
    *,
    organisation: Organisation,
    achievement_version: AchievementVersion,
    emails: Iterable[str] | None = None,
    dids: Iterable[str] | None = None,
    excluding_source_prefix: str | None = None,
) -> tuple[set[str], set[str]]:
    """(lower-cased e-mails, DIDs) that already hold an unrevoked credential for the version.

    ``emails``/``dids`` narrow the query to those recipients (None = all of them).
    """
    found_emails: set[str] = set()
    found_dids: set[str] = set()
    # No ordering: the model's default (-issued_at) would make SQLite walk the organisation's
    # (organisation, issued_at) index, every credential of it, instead of the e-mail index.
    base = Credential.objects.filter(
        organisation=organisation, achievement_version=achievement_version, revoked_at__isnull=True
    ).order_by()
    if excluding_source_prefix:
        base = base.exclude(source_key__startswith=excluding_source_prefix)
    if emails is None and dids is None:
        for email, did in base.values_list("recipient_email", "recipient_did").iterator():
            if email:
                found_emails.add(email.lower())
            if did:
                found_dids.add(did)
        return found_emails, found_dids
    email_list = sorted({e.lower() for e in emails or ()})
    prefix = excluding_source_prefix or None
    for start in range(0, len(email_list), 500):
        part = email_list[start : start + 500]
        # Only the e-mail condition in SQL, the rest checked here: without statistics SQLite
        # would otherwise pick the organisation index and read all its credentials per chunk.
        rows = (
            Credential.objects.filter(recipient_email__in=part)
            .order_by()
            .values_list(
                "recipient_email",
                "organisation_id",
                "achievement_version_id",
                "revoked_at",
                "source_key",
            )
        )
        found_emails.update(
            email.lower()
            for email, organisation_id, version_id, revoked_at, source_key in rows
            if email
            and organisation_id == organisation.pk
            and version_id == achievement_version.pk
            and revoked_at is None
            and not (prefix and source_key and source_key.startswith(prefix))
        )
    did_list = sorted(set(dids or ()))
    for start in range(0, len(did_list), 500):
        part = did_list[start : start + 500]
        found_dids.update(
            d
            for d in base.filter(recipient_did__in=part).values_list("recipient_did", flat=True)
            if d
        )
    return found_emails, found_dids


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
