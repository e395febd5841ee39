"""Saved reports (a measure by one or two dimensions, with filters) and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    ORGANISATION = "organisation", _("Administrators and issuers of the organisation")


class Schedule(models.TextChoices):
    NONE = "", _("Not e-mailed")
    WEEKLY = "weekly", _("Every Monday (last week)")
    MONTHLY = "monthly", _("On the 1st (last month)")


class SavedReport(models.Model):
    """``definition`` holds the report's choices as :class:`~.measures.ReportSpec` writes them
    (measure, dimensions, chart, filters); it is checked again every time it runs."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="saved_reports"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_reports"
    )
    name = models.CharField(_("name"), max_length=120)
    definition = models.JSONField()
    visibility = models.CharField(
        _("shared with"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    schedule = models.CharField(
        _("e-mail"), max_length=8, choices=Schedule.choices, default="", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ReportDelivery(models.Model):
    """One e-mailed period of a scheduled report: the unique row is claimed before sending, so
    a period is never sent twice (several schedulers, a restart, a re-run)."""

    report = models.ForeignKey(SavedReport, on_delete=models.CASCADE, related_name="deliveries")
    period_start = models.DateField()
    period_end = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "period_start"], name="report_delivery_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.period_start}"


class EventRollup(models.Model):
    """Credential events counted per organisation, day, kind, channel, achievement and
    verifying organisation (decision 0049): a report over event measures reads these sums
    instead of the event rows once every day of its period is rolled up. Rebuilt per day by
    :func:`~.rollups.rollups_refresh`; no foreign keys (a derived table, like the events)."""

    organisation_id = models.BigIntegerField()
    day = models.DateField()
    kind = models.CharField(max_length=12)
    channel = models.CharField(max_length=20, blank=True)
    achievement_id = models.BigIntegerField(null=True)
    viewer_organisation_id = models.BigIntegerField(null=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation_id", "kind", "day"], name="rollup_org_kind_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.kind} {self.count}"


class RollupDay(models.Model):
    """A day whose rollups were rebuilt after it ended (``complete``): reports may read it."""

    day = models.DateField(unique=True)
    complete = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} {'complete' if self.complete else 'partial'}"
