"""Bulk issuance jobs: an uploaded CSV, its column mapping, its chunks and per-row outcomes.

The uploaded file stays the source of truth for the rows. A job's state lives in the
database, so a progress page survives reloads and a worker killed mid-run can be replaced:
chunks are claimed with a lease, a chunk is marked done in the same transaction as the
credentials it issued, and credentials carry the idempotency key ``"<job id>:<row>"``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: choose the columns")
    PREVIEWED = "previewed", _("Checked: ready to issue")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Issuing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    STOPPED = "stopped", _("Stopped: the signing key was marked compromised")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class BulkJob(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    achievement_version = models.ForeignKey(
        "achievements.AchievementVersion", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.UPLOADED)
    file = models.FileField(upload_to="bulk/")
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    delimiter = models.CharField(max_length=1, default=",")
    header = models.JSONField(default=list)
    data_offset = models.BigIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    deliver = models.BooleanField(default=True)
    # preview counts
    row_count = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    already_issued_count = models.PositiveIntegerField(default=0)
    # issuing progress
    chunk_count = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    issued_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    #: every row numbered at or below this has been processed (the contiguous done prefix)
    high_water_row = models.PositiveIntegerField(default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"bulk job {self.pk} ({self.original_name})"

    @property
    def percent_done(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.chunk_count:
            return 0
        return int(100 * self.chunks_done / self.chunk_count)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class ChunkState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class BulkChunk(models.Model):
    """Rows ``first_row`` ≤ row < ``stop_row`` of a job, starting at byte ``offset``."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField()
    stop_row = models.PositiveIntegerField()
    offset = models.BigIntegerField()
    state = models.CharField(max_length=8, choices=ChunkState.choices, default=ChunkState.PENDING)
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="bulk_chunk_unique")]
        indexes = [models.Index(fields=["job", "state"])]

    def __str__(self) -> str:
        return f"job {self.job_id} chunk {self.number}"


class RowOutcome(models.TextChoices):
    ISSUED = "issued", _("issued")
    DUPLICATE = "skipped-duplicate", _("skipped: duplicate")
    ALREADY_ISSUED = "skipped-already-issued", _("skipped: already issued")
    ERROR = "error", _("error")


class BulkRowProblem(models.Model):
    """A row that was not issued, and why (issued rows are found through their credential)."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    outcome = models.CharField(max_length=24, choices=RowOutcome.choices)
    reason = models.TextField()

    class Meta:
        ordering = ["job", "row"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row"], name="bulk_row_problem_unique")
        ]

    def __str__(self) -> str:
        return f"row {self.row}: {self.outcome}"
