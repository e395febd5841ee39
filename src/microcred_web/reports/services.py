"""Writes owned by the reports app: saving and deleting reports."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Role
from microcred_web.reports.measures import ReportSpec
from microcred_web.reports.models import SavedReport, Schedule, Visibility


def _checked(name: str, visibility: str, schedule: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("report_invalid", _("Give the report a name."), "name")
    if len(name) > 120:
        raise ApplicationError("report_invalid", _("At most 120 characters."), "name")
    if visibility not in Visibility.values:
        raise ApplicationError("report_invalid", _("Choose who sees it."), "visibility")
    if schedule not in Schedule.values:
        raise ApplicationError("report_invalid", _("Choose when it is e-mailed."), "schedule")
    return name


def saved_report_save(
    *,
    ctx: OrgContext,
    spec: ReportSpec,
    name: str,
    visibility: str = Visibility.PRIVATE,
    schedule: str = Schedule.NONE,
    report: SavedReport | None = None,
) -> SavedReport:
    """Save a new report (``report`` None) or change one the requester owns (or any, for an
    administrator)."""
    name = _checked(name, visibility, schedule)
    if report is not None and report.owner_id != ctx.user.pk and not ctx.has(Role.ADMIN):
        raise ApplicationError(
            "forbidden", _("Only its owner or an administrator can change it."), status=403
        )
    with transaction.atomic():
        if report is None:
            report = SavedReport(organisation=ctx.organisation, owner=ctx.user)
        report.name, report.definition = name, spec.definition
        report.visibility, report.schedule = visibility, schedule
        report.save()
        audit_record(
            action="reports.report_saved",
            actor=ctx.user,
            organisation=ctx.organisation,
            target=report,
            data={"measure": spec.measure, "schedule": schedule, "visibility": visibility},
        )
    return report


def saved_report_delete(*, ctx: OrgContext, report: SavedReport) -> None:
    if report.owner_id != ctx.user.pk and not ctx.has(Role.ADMIN):
        raise ApplicationError(
            "forbidden", _("Only its owner or an administrator can delete it."), status=403
        )
    with transaction.atomic():
        audit_record(
            action="reports.report_deleted",
            actor=ctx.user,
            organisation=ctx.organisation,
            target=report,
        )
        report.delete()
