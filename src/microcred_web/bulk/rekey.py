"""Credentials of a bulk job that a key compromise invalidated, and their re-issue with the
organisation's new key (docs/decisions/0054).

A credential is invalidated when the key that signed it is marked compromised from a moment at
or before its signing. Re-issuing one: a new credential for the same row (same recipient,
name, results and evidence) signed by the active key takes over the row's ``source_key`` and
the old one is revoked, in one transaction per batch. The old rows are locked and re-read in
that transaction, so two re-issues running at once never issue a row twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.bulk.models import BulkJob, JobState
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.models import Credential
from microcred_web.issuing.services import RecipientInput, credentials_prepare, credentials_store
from microcred_web.issuing.signing import credentials_invalidated_by_compromise
from microcred_web.issuing.status_changes import credentials_revoke

logger = logging.getLogger(__name__)

#: the revocation reason of a credential replaced by this module (stays in English: it is
#: signed into the status record and shown to verifiers in any language)
REKEY_REASON = "Signed with a compromised key; re-issued with the organisation's new key"
BATCH = 200


def rekey_summary(*, job: BulkJob, shown: int = 20) -> dict[str, Any]:
    """For the job page: how many credentials the compromise invalidated, how many are still
    to re-issue, and the first of those."""
    invalidated = invalidated_credentials(job=job)
    pending = invalidated.filter(revoked_at__isnull=True)
    return {
        "invalidated": invalidated.count(),
        "pending": pending.count(),
        "first": list(pending.only("public_id", "recipient_name", "recipient_email")[:shown]),
    }


def invalidated_credentials(*, job: BulkJob) -> QuerySet[Credential]:
    """Credentials ``job`` issued whose signature a key compromise invalidated."""
    return Credential.objects.filter(
        organisation_id=job.organisation_id,
        source=f"bulk:{job.pk}",
        **credentials_invalidated_by_compromise(),
    ).order_by("pk")


def pending_rekey(*, job: BulkJob) -> QuerySet[Credential]:
    """The invalidated credentials not yet re-issued (nor revoked for another reason)."""
    return invalidated_credentials(job=job).filter(revoked_at__isnull=True)


def bulk_job_rekey_start(*, job: BulkJob, actor: Any) -> BulkJob:
    """Queue the re-issue of the job's invalidated credentials; a stopped job then finishes
    its remaining rows with the new key."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job.pk)
        pending = pending_rekey(job=job).count()
        if not pending and job.state != JobState.STOPPED:
            raise ApplicationError(
                "nothing_to_reissue", _("No credential of this job needs re-issuing."), status=409
            )
        if job.state == JobState.STOPPED:
            job.state, job.error = JobState.QUEUED, ""
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["state", "error", "heartbeat_at"])
        audit_record(
            action="bulk.reissue_started",
            actor=actor,
            organisation=job.organisation,
            target=job,
            data={"credentials": pending},
        )
        transaction.on_commit(lambda: _enqueue_rekey(job.pk))
    return job


def _enqueue_rekey(job_id: int) -> None:
    from microcred_web.bulk.tasks import bulk_job_rekey_run  # the task module imports this one

    bulk_job_rekey_run.enqueue(job_id=job_id)


def _recipient(credential: Credential) -> RecipientInput:
    document = credential.document
    subject = document.get("credentialSubject", {})
    return RecipientInput(
        email=credential.recipient_email,
        did=credential.recipient_did,
        name=credential.recipient_name or None,
        evidence=list(document.get("evidence", [])),
        result=list(subject.get("result", [])) if isinstance(subject, dict) else [],
        source_key=credential.source_key,
    )


def _rekey_batch(job: BulkJob, old: list[Credential]) -> int:
    """Sign replacements (no transaction open), then swap them in atomically."""
    batch = credentials_prepare(
        organisation=job.organisation,
        achievement_version=job.achievement_version,
        recipients=[_recipient(credential) for credential in old],
        actor=job.created_by,
        source=f"bulk:{job.pk}",
        deliver=job.deliver,
        # the rows' keys are still held by the credentials being replaced
        look_up_stored_keys=False,
    )
    with transaction.atomic():
        still_pending = {
            credential.source_key: credential
            for credential in pending_rekey(job=job)
            .select_for_update()
            .filter(pk__in=[credential.pk for credential in old])
        }
        batch.items = [item for item in batch.items if item.recipient.source_key in still_pending]
        replaced = [still_pending[item.recipient.source_key] for item in batch.items]
        if not replaced:
            return 0
        # free the rows' keys, so the replacements take them (and the row report shows them)
        Credential.objects.filter(pk__in=[c.pk for c in replaced]).update(source_key=None)
        created = credentials_store(batch=batch)
        if len(created) != len(replaced):
            raise ApplicationError("rekey_conflict", "A row was re-issued concurrently.")
        credentials_revoke(credentials=replaced, actor=job.created_by, reason=REKEY_REASON)
    return len(created)


def bulk_job_rekey(*, job_id: int) -> int:
    """Re-issue every pending invalidated credential of the job; returns how many."""
    job = BulkJob.objects.select_related("organisation", "achievement_version", "created_by").get(
        pk=job_id
    )
    done = 0
    while True:
        old = list(pending_rekey(job=job).filter(source_key__isnull=False)[:BATCH])
        if not old:
            break
        done += _rekey_batch(job, old)
    if done:
        with transaction.atomic():
            audit_record(
                action="bulk.reissued",
                organisation=job.organisation,
                target=job,
                data={"credentials": done},
            )
    logger.info("bulk job %s: re-issued %s credentials with the new key", job_id, done)
    return done
