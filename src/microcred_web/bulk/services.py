"""Writes for bulk issuance: upload, check (preview), start, and the worker's chunk loop.

Crash safety rests on three things:

* a chunk is claimed with a lease (compare-and-set on its row), so two workers never work on
  the same chunk at the same time, and a dead worker's chunk becomes claimable again;
* a chunk is marked done in the same transaction as the credentials it issued
  (``credentials_store`` runs inside our transaction), so either both happen or neither; the
  rows are signed before that transaction opens (``credentials_prepare``), so parallel
  workers sign in parallel, and the status indexes they use were reserved and committed
  beforehand, so a crash never lets an index be handed out twice;
* every credential carries the idempotency key ``"<job id>:<row>"`` (unique per
  organisation), so even a replayed chunk cannot issue a row twice.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.achievements.models import AchievementVersion
from microcred_web.bulk import config, csvfile, selectors
from microcred_web.bulk.mapping import Recipient, check_mapping, guess_mapping, row_recipient
from microcred_web.bulk.models import (
    ACTIVE_STATES,
    BulkChunk,
    BulkJob,
    BulkRowProblem,
    ChunkState,
    JobState,
    RowOutcome,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.issuing.holders import recipients_already_holding
from microcred_web.issuing.models import IssuerKey
from microcred_web.issuing.services import (
    PreparedBatch,
    RecipientInput,
    credentials_prepare,
    credentials_store,
)
from microcred_web.orgs.models import Organisation

logger = logging.getLogger(__name__)

COPY_BLOCK = 1024 * 1024


# --------------------------------------------------------------------------- upload


def upload_too_large(limit: int) -> ApplicationError:
    return ApplicationError(
        "csv_too_large",
        _("The file is larger than the limit of %(mb)s MB. Split it into smaller files.")
        % {"mb": f"{limit / 1024 / 1024:g}"},
        field="file",
        status=413,
    )


def _store_limited(source: IO[bytes], *, limit: int) -> tuple[str, int]:
    """Copy ``source`` into storage, refusing it as soon as ``limit`` is passed."""
    size = 0
    with tempfile.TemporaryFile() as spool:
        while block := source.read(COPY_BLOCK):
            size += len(block)
            if size > limit:
                raise upload_too_large(limit)
            spool.write(block)
        spool.seek(0)
        name = default_storage.save(f"bulk/{uuid.uuid4().hex}.csv", File(spool))
    return name, size


def bulk_upload_create(
    *,
    organisation: Organisation,
    achievement_version: AchievementVersion,
    source: IO[bytes],
    original_name: str,
    actor: Any,
    declared_size: int | None = None,
    deliver: bool = True,
) -> BulkJob:
    """Store an uploaded CSV, read its header and guess the column mapping.

    ``declared_size`` (the upload's Content-Length, if known) is checked before anything is
    read; the copy itself stops as soon as the limit is passed.
    """
    limit = config.max_upload_bytes()
    if declared_size is not None and declared_size > limit:
        raise upload_too_large(limit)
    if achievement_version.achievement.organisation_id != organisation.pk:
        raise ApplicationError("not_found", _("No such achievement."), field="achievement")
    name, size = _store_limited(source, limit=limit)
    try:
        with default_storage.open(name, "rb") as handle:
            layout = csvfile.inspect_csv(handle)
    except ApplicationError:
        default_storage.delete(name)
        raise
    with transaction.atomic():
        job = BulkJob(
            organisation=organisation,
            achievement_version=achievement_version,
            created_by=actor if getattr(actor, "pk", None) else None,
            original_name=original_name[:255],
            size=size,
            delimiter=layout.delimiter,
            header=layout.header,
            data_offset=layout.data_offset,
            mapping=guess_mapping(layout.header),
            deliver=deliver,
        )
        job.file.name = name
        job.save()
        audit_record(
            action="bulk.uploaded",
            actor=actor,
            organisation=organisation,
            target=job,
            data={"file": job.original_name, "bytes": size},
        )
    return job


def _layout(job: BulkJob) -> csvfile.CsvLayout:
    return csvfile.CsvLayout(
        delimiter=job.delimiter,
        header=list(job.header),
        data_offset=job.data_offset,
        has_bom=False,
    )


def _open(job: BulkJob) -> File[Any]:
    handle: File[Any] = job.file.storage.open(job.file.name, "rb")
    return handle


# --------------------------------------------------------------------------- preview


@dataclass
class PreviewResult:
    job: BulkJob
    sample: list[Recipient]


def bulk_preview(
    *, job: BulkJob, mapping: dict[str, int], actor: Any, sample_size: int = 20
) -> PreviewResult:
    """Check every row against ``mapping``; record problems and plan the chunks.

    Raises ApplicationError for a problem with the whole file (encoding, unreadable rows) or
    the mapping; per-row problems are recorded and counted, not raised.
    """
    if job.state not in (JobState.UPLOADED, JobState.PREVIEWED):
        raise ApplicationError("bulk_started", _("This file has already been issued."))
    problems = check_mapping(mapping, list(job.header))
    if problems:
        raise ApplicationError("bulk_mapping", " ".join(problems), field="mapping")
    held_emails, held_dids = recipients_already_holding(
        organisation=job.organisation, version_ids=[job.achievement_version_id]
    )
    seen: dict[str, int] = {}
    outcomes: list[BulkRowProblem] = []
    chunks: list[BulkChunk] = []
    sample: list[Recipient] = []
    counts = {"rows": 0, "valid": 0, "invalid": 0, "duplicate": 0, "held": 0}
    per_chunk = config.chunk_rows()
    last_row = 1
    with _open(job) as handle:
        for row in csvfile.iter_rows(handle, _layout(job)):
            last_row = row.number
            if counts["rows"] % per_chunk == 0:
                first = row.number
                chunks.append(
                    BulkChunk(
                        job=job,
                        number=len(chunks) + 1,
                        first_row=first,
                        stop_row=first,
                        offset=row.offset,
                    )
                )
            counts["rows"] += 1
            recipient = row_recipient(row.number, row.values, mapping)
            if recipient.problems:
                counts["invalid"] += 1
                outcomes.append(_problem(job, row.number, RowOutcome.ERROR, recipient.problems))
                continue
            identity = recipient.identity
            if identity in seen:
                counts["duplicate"] += 1
                outcomes.append(
                    _problem(
                        job,
                        row.number,
                        RowOutcome.DUPLICATE,
                        [_("Same recipient as row %d.") % seen[identity]],
                    )
                )
                continue
            seen[identity] = row.number
            if (recipient.email and recipient.email.lower() in held_emails) or (
                recipient.did and recipient.did in held_dids
            ):
                counts["held"] += 1
                outcomes.append(
                    _problem(
                        job,
                        row.number,
                        RowOutcome.ALREADY_ISSUED,
                        [_("Already holds this achievement.")],
                    )
                )
                continue
            counts["valid"] += 1
            if len(sample) < sample_size:
                sample.append(recipient)
    for index, chunk in enumerate(chunks):
        chunk.stop_row = chunks[index + 1].first_row if index + 1 < len(chunks) else last_row + 1
    with transaction.atomic():
        BulkRowProblem.objects.filter(job=job).delete()
        BulkChunk.objects.filter(job=job).delete()
        BulkRowProblem.objects.bulk_create(outcomes, batch_size=2000)
        BulkChunk.objects.bulk_create(chunks, batch_size=2000)
        job.mapping = mapping
        job.row_count = counts["rows"]
        job.valid_count = counts["valid"]
        job.invalid_count = counts["invalid"]
        job.duplicate_count = counts["duplicate"]
        job.already_issued_count = counts["held"]
        job.chunk_count = len(chunks)
        job.state = JobState.PREVIEWED
        job.save()
        audit_record(
            action="bulk.checked",
            actor=actor,
            organisation=job.organisation,
            target=job,
            data={k: v for k, v in counts.items()},
        )
    return PreviewResult(job=job, sample=sample)


def _problem(job: BulkJob, row: int, outcome: str, reasons: list[str]) -> BulkRowProblem:
    return BulkRowProblem(job=job, row=row, outcome=outcome, reason=" ".join(reasons))


_BATCH_POSITION = re.compile(r"^recipients\[\d+\]: (?:cannot sign: )?")


def _row_reason(exc: ApplicationError) -> str:
    """A refused row's reason, without the position in the internal batch (always 0 here);
    a document the signer refuses (e.g. content the signature would not cover, decision 0018)
    keeps the JSON path."""
    if exc.code != "signing_failed":
        return exc.message
    return _("The credential cannot be signed: %(reason)s") % {
        "reason": _BATCH_POSITION.sub("", exc.message)
    }


# --------------------------------------------------------------------------- start


def _enqueue(job_id: int, count: int = 1) -> None:
    from microcred_web.bulk.tasks import bulk_job_run  # the task module imports this one

    for _n in range(count):
        bulk_job_run.enqueue(job_id=job_id)


def bulk_job_start(*, job: BulkJob, actor: Any, now: datetime | None = None) -> BulkJob:
    """Queue the issuing of a checked job; the task worker does the work in chunks."""
    moment = now or timezone.now()
    with transaction.atomic():
        updated = BulkJob.objects.filter(pk=job.pk, state=JobState.PREVIEWED).update(
            state=JobState.QUEUED,
            heartbeat_at=moment,
            issued_count=0,
            skipped_count=F("duplicate_count") + F("already_issued_count"),
            failed_count=F("invalid_count"),
            high_water_row=1,
        )
        if not updated:
            raise ApplicationError(
                "bulk_not_ready", _("Check the file first; a job can be started only once.")
            )
        job.refresh_from_db()
        audit_record(
            action="bulk.started",
            actor=actor,
            organisation=job.organisation,
            target=job,
            data={"rows": job.valid_count, "chunks": job.chunk_count},
        )
        transaction.on_commit(lambda: _enqueue(job.pk, config.parallel_tasks()))
    return job


# --------------------------------------------------------------------------- the worker


def worker_identity() -> str:
    """``host:pid:random``: who holds a lease (the pid lets a restarted worker on the same
    host release the leases of a dead one at once)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseLost(Exception):
    """Another worker took the chunk over (our lease expired): our work is discarded."""


class JobStopped(Exception):
    """The job was stopped (its signing key marked compromised): the chunk is not stored."""


def _check_still_issuing(job: BulkJob, batches: list[PreparedBatch]) -> None:
    """Inside the chunk's transaction: the job is still running and the key that signed the
    chunk is not compromised. The key row is locked, so a compromise being recorded right now
    either waits for this chunk (which then shows as invalidated) or is seen here."""
    key_ids = {batch.issuer_key.pk for batch in batches if batch.issuer_key is not None}
    compromised = (
        IssuerKey.objects.select_for_update(no_key=True)
        .filter(pk__in=key_ids, compromised_after__isnull=False)
        .exists()
        if key_ids
        else False
    )
    stopped = not BulkJob.objects.filter(pk=job.pk, state__in=ACTIVE_STATES).exists()
    if compromised or stopped:
        raise JobStopped(str(job.pk))


def bulk_jobs_stop_for_compromised_key(*, organisation_id: int, **_details: Any) -> int:
    """Listener of ``issuer_key_compromised``, in the compromise's transaction: stop the
    organisation's running jobs (the job page then lists what the compromise invalidated and
    offers to re-issue it with the new key). Returns how many jobs were stopped."""
    jobs = list(
        BulkJob.objects.select_related("organisation").filter(
            organisation_id=organisation_id, state__in=ACTIVE_STATES
        )
    )
    for job in jobs:
        BulkJob.objects.filter(pk=job.pk).update(
            state=JobState.STOPPED,
            heartbeat_at=timezone.now(),
            error=_(
                "The signing key was marked compromised while this job ran, so it stopped. "
                "Re-issue the credentials it invalidated with the new key to finish it."
            ),
        )
        audit_record(
            action="bulk.stopped",
            organisation=job.organisation,
            target=job,
            data={"key": "compromised"},
        )
    return len(jobs)


def _chunk_claim(*, job_id: int, owner: str) -> BulkChunk | None:
    now = timezone.now()
    expires = now + timedelta(seconds=config.lease_seconds())
    claimable = Q(state=ChunkState.PENDING) | Q(state=ChunkState.RUNNING, lease_expires_at__lt=now)
    candidates = (
        BulkChunk.objects.filter(claimable, job_id=job_id, attempts__lt=config.MAX_CHUNK_ATTEMPTS)
        .order_by("number")
        .values_list("pk", "state", "lease_owner")[:8]
    )
    for pk, state, previous in list(candidates):
        won = BulkChunk.objects.filter(claimable, pk=pk, state=state, lease_owner=previous).update(
            state=ChunkState.RUNNING,
            lease_owner=owner,
            lease_expires_at=expires,
            attempts=F("attempts") + 1,
        )
        if won:
            BulkJob.objects.filter(pk=job_id).update(heartbeat_at=now)
            return BulkChunk.objects.get(pk=pk)
    return None


def _recipient_input(job: BulkJob, recipient: Recipient) -> RecipientInput:
    result: list[dict[str, Any]] = []
    if recipient.score is not None:
        result.append({"type": ["Result"], "value": recipient.score})
    if recipient.grade is not None:
        result.append({"type": ["Result"], "value": recipient.grade})
    evidence: list[dict[str, Any]] = []
    if recipient.evidence_url is not None:
        evidence.append({"id": recipient.evidence_url, "type": ["Evidence"]})
    return RecipientInput(
        email=recipient.email,
        did=recipient.did,
        name=recipient.name,
        evidence=evidence,
        result=result,
        source_key=f"{job.pk}:{recipient.row}",
    )


@dataclass
class _ChunkPlan:
    recipients: list[Recipient]
    problems: list[BulkRowProblem]
    skipped: int
    failed: int


def _chunk_plan(job: BulkJob, chunk: BulkChunk) -> _ChunkPlan:
    known = selectors.problems_of(job=job, first_row=chunk.first_row, stop_row=chunk.stop_row)
    recipients: list[Recipient] = []
    problems: list[BulkRowProblem] = []
    failed = 0
    with _open(job) as handle:
        rows = csvfile.iter_rows(
            handle,
            _layout(job),
            offset=chunk.offset,
            first_row=chunk.first_row,
            stop_row=chunk.stop_row,
        )
        for row in rows:
            if row.number in known:
                continue
            recipient = row_recipient(row.number, row.values, job.mapping)
            if recipient.problems:  # only if the file changed since the check
                failed += 1
                problems.append(_problem(job, row.number, RowOutcome.ERROR, recipient.problems))
            else:
                recipients.append(recipient)
    held_emails, held_dids = recipients_already_holding(
        organisation=job.organisation,
        version_ids=[job.achievement_version_id],
        emails=[r.email for r in recipients if r.email],
        dids=[r.did for r in recipients if r.did],
        excluding_source_prefix=f"{job.pk}:",
    )
    kept: list[Recipient] = []
    skipped = 0
    for recipient in recipients:
        if (recipient.email and recipient.email.lower() in held_emails) or (
            recipient.did and recipient.did in held_dids
        ):
            skipped += 1
            problems.append(
                _problem(
                    job,
                    recipient.row,
                    RowOutcome.ALREADY_ISSUED,
                    [_("Already holds this achievement (issued since the check).")],
                )
            )
        else:
            kept.append(recipient)
    return _ChunkPlan(recipients=kept, problems=problems, skipped=skipped, failed=failed)


def _prepare(
    job: BulkJob, recipients: list[Recipient], now: datetime, *, first_attempt: bool
) -> PreparedBatch:
    return credentials_prepare(
        organisation=job.organisation,
        achievement_version=job.achievement_version,
        recipients=[_recipient_input(job, r) for r in recipients],
        actor=job.created_by,
        source=f"bulk:{job.pk}",
        now=now,
        deliver=job.deliver,
        # A chunk's rows are stored only by the transaction that marks it done, so on its
        # first attempt none of its keys can be stored: no need to look them up.
        look_up_stored_keys=not first_attempt,
    )


def _chunk_sign(
    job: BulkJob, plan: _ChunkPlan, now: datetime, *, first_attempt: bool
) -> list[PreparedBatch]:
    """Reserve status indexes and sign the chunk's rows, with no transaction open.

    If the batch is refused, row by row to find the culprits (each culprit becomes an error
    row, the others are signed).
    """
    if not plan.recipients:
        return []
    try:
        return [_prepare(job, plan.recipients, now, first_attempt=first_attempt)]
    except ApplicationError as exc:
        if len(plan.recipients) == 1:
            plan.failed += 1
            plan.problems.append(
                _problem(job, plan.recipients[0].row, RowOutcome.ERROR, [_row_reason(exc)])
            )
            plan.recipients = []
            return []
    kept: list[Recipient] = []
    batches: list[PreparedBatch] = []
    for recipient in plan.recipients:
        try:
            batches.append(_prepare(job, [recipient], now, first_attempt=first_attempt))
            kept.append(recipient)
        except ApplicationError as exc:
            plan.failed += 1
            plan.problems.append(_problem(job, recipient.row, RowOutcome.ERROR, [_row_reason(exc)]))
    plan.recipients = kept
    return batches


def _chunk_process(*, job: BulkJob, chunk: BulkChunk, owner: str) -> None:
    plan = _chunk_plan(job, chunk)
    now = timezone.now()
    # The expensive part, signing, runs before any transaction is opened, so several workers
    # sign at the same time; the transaction below only inserts rows and updates counters.
    batches = _chunk_sign(job, plan, now, first_attempt=chunk.attempts <= 1)
    with transaction.atomic():
        # Compare-and-set first: on PostgreSQL this locks the chunk row, so nobody can take
        # it over while we commit; if our lease was taken over already, nothing is written
        # (the status indexes we reserved stay unused, which is harmless).
        finished = BulkChunk.objects.filter(
            pk=chunk.pk, state=ChunkState.RUNNING, lease_owner=owner
        ).update(
            state=ChunkState.DONE,
            done_at=now,
            issued=len(plan.recipients),
            skipped=plan.skipped,
            failed=plan.failed,
        )
        if not finished:
            raise LeaseLost(str(chunk))
        _check_still_issuing(job, batches)
        for batch in batches:
            credentials_store(batch=batch, render_ahead=False)
        if plan.problems:
            BulkRowProblem.objects.bulk_create(plan.problems, ignore_conflicts=True)
        first_open = (
            BulkChunk.objects.filter(job_id=job.pk)
            .exclude(state=ChunkState.DONE)
            .order_by("first_row")
            .values_list("first_row", flat=True)
            .first()
        )
        if first_open is not None:
            high_water = first_open - 1
        else:
            last = (
                BulkChunk.objects.filter(job_id=job.pk)
                .order_by("-number")
                .values_list("stop_row", flat=True)
                .first()
            )
            high_water = last - 1 if last is not None else 1
        BulkJob.objects.filter(pk=job.pk).update(
            chunks_done=F("chunks_done") + 1,
            issued_count=F("issued_count") + len(plan.recipients),
            skipped_count=F("skipped_count") + plan.skipped,
            failed_count=F("failed_count") + plan.failed,
            high_water_row=high_water,
            heartbeat_at=now,
        )


@contextmanager
def _commits_without_waiting_for_the_disk() -> Iterator[None]:
    """PostgreSQL: while the worker runs, its commits do not wait for the WAL to reach the disk.

    The crash we guard against is the worker's (SIGKILL): the server has the commit, so a dead
    worker loses nothing. Only a crash of the database server itself within a fraction of a
    second could lose the last such commits, and then whole transactions in WAL order (never
    a part of one, and never one without the ones before it: a status index reservation is
    always older than the chunk that uses it): those chunks are simply not done and are
    issued again on resume. Set for the session (the worker's claims, reservations and
    inserts) and reset afterwards. SQLite is configured the same way globally
    (``synchronous=NORMAL``). See 0007 and 0014.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # (nothing to reset on a broken connection or in a failed transaction: both end it)
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _job_finish(job_id: int, *, state: str = JobState.DONE, error: str = "") -> bool:
    now = timezone.now()
    with transaction.atomic():
        finished = BulkJob.objects.filter(pk=job_id, state__in=ACTIVE_STATES).update(
            state=state, finished_at=now, heartbeat_at=now, error=error
        )
        if finished:
            job = BulkJob.objects.select_related("organisation").get(pk=job_id)
            audit_record(
                action="bulk.finished" if state == JobState.DONE else "bulk.failed",
                organisation=job.organisation,
                target=job,
                data={
                    "issued": job.issued_count,
                    "skipped": job.skipped_count,
                    "failed": job.failed_count,
                    "error": error,
                },
            )
    return bool(finished)


def bulk_job_work(
    *,
    job_id: int,
    owner: str | None = None,
    poll_seconds: float = 0.5,
    max_chunks: int | None = None,
) -> int:
    """Work on a job until it is done: claim a chunk, issue it, repeat. Returns chunks done.

    Several workers may run this for the same job at once. When every remaining chunk is
    leased to someone else, wait for those to finish or for their leases to expire.
    """
    who = owner or worker_identity()
    job = BulkJob.objects.select_related("organisation", "achievement_version", "created_by").get(
        pk=job_id
    )
    if job.state not in ACTIVE_STATES:
        return 0
    BulkJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    with _commits_without_waiting_for_the_disk():
        return _work(job, who=who, poll_seconds=poll_seconds, max_chunks=max_chunks)


def _work(job: BulkJob, *, who: str, poll_seconds: float, max_chunks: int | None) -> int:
    job_id = job.pk
    done = 0
    while max_chunks is None or done < max_chunks:
        chunk = _chunk_claim(job_id=job_id, owner=who)
        if chunk is None:
            # One snapshot: checked in two queries, another worker finishing the last chunk
            # in between made a finished job look failed.
            remaining = list(
                BulkChunk.objects.filter(job_id=job_id)
                .exclude(state=ChunkState.DONE)
                .values_list("attempts", "state", "lease_expires_at")
            )
            if not remaining:
                _job_finish(job_id)
                return done
            moment = timezone.now()
            if all(
                attempts >= config.MAX_CHUNK_ATTEMPTS
                and not (state == ChunkState.RUNNING and expires and expires >= moment)
                for attempts, state, expires in remaining
            ):
                _job_finish(
                    job_id,
                    state=JobState.FAILED,
                    error=_("Some rows failed repeatedly; see the worker's log."),
                )
                return done
            if not BulkJob.objects.filter(pk=job_id, state__in=ACTIVE_STATES).exists():
                return done
            time.sleep(poll_seconds)
            continue
        try:
            _chunk_process(job=job, chunk=chunk, owner=who)
        except LeaseLost:
            logger.warning("bulk job %s: lost the lease on chunk %s", job_id, chunk.number)
            continue
        except JobStopped:
            logger.warning("bulk job %s: stopped (signing key compromised)", job_id)
            BulkChunk.objects.filter(pk=chunk.pk, lease_owner=who).update(
                state=ChunkState.PENDING,
                lease_owner="",
                lease_expires_at=None,
                attempts=F("attempts") - 1,
            )
            return done
        except (IntegrityError, OperationalError):
            # A conflict with a concurrent writer (e.g. two workers creating the first status
            # list, a locked SQLite file): release the chunk and try again; ``attempts``
            # bounds the retries.
            logger.warning("bulk job %s: chunk %s conflicted; retrying", job_id, chunk.number)
            BulkChunk.objects.filter(pk=chunk.pk, lease_owner=who).update(
                state=ChunkState.PENDING, lease_owner="", lease_expires_at=None
            )
            time.sleep(poll_seconds)
            continue
        except Exception:
            logger.exception("bulk job %s: chunk %s failed", job_id, chunk.number)
            BulkChunk.objects.filter(pk=chunk.pk, lease_owner=who).update(
                state=ChunkState.PENDING, lease_owner="", lease_expires_at=None
            )
            raise
        done += 1
    return done


# --------------------------------------------------------------------------- resumption


def _pid_is_dead(owner: str, host: str) -> bool:
    parts = owner.split(":")
    if len(parts) < 2 or parts[0] != host or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def bulk_jobs_resume(*, now: datetime | None = None) -> list[int]:
    """Re-queue work for jobs whose workers are gone. Safe to run at any time, repeatedly.

    Leases held by dead processes on this host are released at once; other jobs are resumed
    once their heartbeat is older than a lease. Returns the ids of the jobs re-queued.
    """
    moment = now or timezone.now()
    host = socket.gethostname()
    stale_before = moment - timedelta(seconds=config.lease_seconds())
    resumed: list[int] = []
    for job_id, state, heartbeat in BulkJob.objects.filter(state__in=ACTIVE_STATES).values_list(
        "pk", "state", "heartbeat_at"
    ):
        released = 0
        running = BulkChunk.objects.filter(job_id=job_id, state=ChunkState.RUNNING)
        for pk, owner in running.values_list("pk", "lease_owner"):
            if _pid_is_dead(owner, host):
                released += BulkChunk.objects.filter(pk=pk, lease_owner=owner).update(
                    state=ChunkState.PENDING, lease_owner="", lease_expires_at=None
                )
        alive = running.filter(lease_expires_at__gte=moment).exists()
        stale = heartbeat is None or heartbeat < stale_before
        if released or stale or (state == JobState.RUNNING and not alive):
            BulkJob.objects.filter(pk=job_id).update(heartbeat_at=moment)
            # The task worker runs this every few seconds: one waiting task per job is enough.
            if not _task_waits_for(job_id):
                _enqueue(job_id, 1)
            resumed.append(job_id)
    return resumed


def _task_waits_for(job_id: int) -> bool:
    """A ``bulk_job_run`` task for the job is queued and not yet picked up by a worker."""
    from django_tasks_db.models import DBTaskResult

    from microcred_web.bulk.tasks import bulk_job_run  # the task module imports this one

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=bulk_job_run.module_path, args_kwargs__kwargs__job_id=job_id)
        .exists()
    )


def bulk_job_resume_if_stale(*, job: BulkJob, now: datetime | None = None) -> bool:
    """Called by the progress page: re-queue a job nobody has touched for a lease."""
    moment = now or timezone.now()
    if job.state not in ACTIVE_STATES or job.heartbeat_at is None:
        return False
    if job.heartbeat_at >= moment - timedelta(seconds=config.lease_seconds()):
        return False
    won = BulkJob.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at).update(
        heartbeat_at=moment
    )
    if won:
        _enqueue(job.pk, 1)
    return bool(won)
