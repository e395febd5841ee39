"""Reads for bulk issuance; every query takes the organisation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
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


@contextmanager
def _index_lookups() -> Iterator[None]:
    """Queries that look up a list of values in an index, planned as such with no statistics.

    Without statistics (a table filled since its last ANALYZE, or autovacuum off) PostgreSQL
    estimates that ``col IN (500 values)`` matches most of the table and reads all of it: each
    chunk of a bulk job read every credential stored so far (the job slowed down as it went).
    Sequential scans are discouraged inside the block (``enable_seqscan``, local to a short
    transaction or savepoint, set back on the way out), which leaves the index on ``col``.
    SQLite plans ``IN`` lists with the index already.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


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
    prefix = excluding_source_prefix or None
    with _index_lookups():
        found_emails.update(
            email.lower()
            for email in _holders(
                "recipient_email",
                sorted({e.lower() for e in emails or ()}),
                organisation,
                achievement_version,
                prefix,
            )
        )
        found_dids.update(
            _holders(
                "recipient_did", sorted(set(dids or ())), organisation, achievement_version, prefix
            )
        )
    return found_emails, found_dids


def _holders(
    column: str,
    values: list[str],
    organisation: Organisation,
    achievement_version: AchievementVersion,
    prefix: str | None,
) -> Iterator[str]:
    """The ``values`` of ``column`` (recipient_email or recipient_did) whose credential for the
    version is unrevoked and not from ``prefix``.

    Only the ``column IN (...)`` condition goes to SQL and the rest is checked here, so the
    database can only use the index on ``column`` (without statistics SQLite would otherwise
    pick the organisation index and read all its credentials, per chunk).
    """
    for start in range(0, len(values), 500):
        rows = (
            Credential.objects.filter(**{f"{column}__in": values[start : start + 500]})
            .order_by()
            .values_list(
                column, "organisation_id", "achievement_version_id", "revoked_at", "source_key"
            )
        )
        for value, organisation_id, version_id, revoked_at, source_key in rows:
            if (
                value
                and organisation_id == organisation.pk
                and version_id == achievement_version.pk
                and revoked_at is None
                and not (prefix and source_key and source_key.startswith(prefix))
            ):
                yield value


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
