from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An append-only record of something a person (or the system) did.

    The client's IP address is never stored: only a keyed hash of it, enough to correlate
    events from one address without keeping personal data.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class ScheduledRun(models.Model):
    """One daily job's run on one (UTC) day: the unique pair is the claim that keeps two
    scheduler processes from running a job twice the same day."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    job = models.CharField(max_length=80)
    day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="scheduled_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day} {self.outcome or 'running'}"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, written by its sweep thread (``/readyz`` reads it)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.seen_at:%Y-%m-%d %H:%M:%S}"
