"""Scheduled reports by e-mail: weekly (last Monday–Sunday) and monthly (last calendar month),
with the table as CSV and XLSX attachments.

Run by the daily scheduler. Each (report, period) is claimed with a unique
:class:`~.models.ReportDelivery` row in the same transaction that hands the message to the
mail backend, so a period is sent once: a second run the same day, a second scheduler, or a
run the next day finds the row and skips it; a failed send rolls the claim back and the next
run tries again.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse

from microcred_web.common.email import email_render, language_for, recipient_name
from microcred_web.reports.exports import (
    XLSX_TYPE,
    report_csv_bytes,
    report_filename,
    report_xlsx_bytes,
)
from microcred_web.reports.measures import report_spec_parse
from microcred_web.reports.models import ReportDelivery, SavedReport, Schedule
from microcred_web.reports.selectors import report_run

logger = logging.getLogger(__name__)


def period_due(schedule: str, today: date) -> tuple[date, date] | None:
    """The last complete period a report on ``schedule`` covers on ``today``."""
    if schedule == Schedule.WEEKLY:
        this_monday = today - timedelta(days=today.weekday())
        return this_monday - timedelta(days=7), this_monday - timedelta(days=1)
    if schedule == Schedule.MONTHLY:
        last_day = today.replace(day=1) - timedelta(days=1)
        return last_day.replace(day=1), last_day
    return None


def report_deliver(*, report: SavedReport, today: date) -> bool:
    """E-mail ``report``'s last complete period to its owner unless already sent; True if
    sent now."""
    period = period_due(report.schedule, today)
    if period is None or not report.owner.is_active or not report.owner.email:
        return False
    if ReportDelivery.objects.filter(report=report, period_start=period[0]).exists():
        return False
    spec = report_spec_parse(
        {**report.definition, "start": period[0].isoformat(), "end": period[1].isoformat()}
    )
    result = report_run(spec=spec, organisation=report.organisation)
    owner, organisation = report.owner, report.organisation
    email = email_render(
        template="reports/email/scheduled_report",
        language=language_for(user=owner, organisation=organisation),
        organisation=organisation,
        greeting_name=recipient_name(owner),
        button_url=reverse(
            "reports:saved", kwargs={"slug": organisation.slug, "report_id": report.pk}
        ),
        context={"report": report, "result": result, "start": period[0], "end": period[1]},
    )
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.text, to=[owner.email], headers=email.headers or None
    )
    message.attach_alternative(email.html, "text/html")
    message.attach(
        report_filename(report.name, result, "csv"), report_csv_bytes(result), "text/csv"
    )
    message.attach(
        report_filename(report.name, result, "xlsx"),
        report_xlsx_bytes(report.name, result),
        XLSX_TYPE,
    )
    try:
        with transaction.atomic():
            ReportDelivery.objects.create(
                report=report, period_start=period[0], period_end=period[1], recipients=1
            )
            message.send()
    except IntegrityError:  # another scheduler claimed this period first
        return False
    return True


def scheduled_reports_deliver(now: datetime) -> dict[str, int]:
    """The daily job: every scheduled report whose last period has not been sent."""
    today = now.astimezone(UTC).date() if now.tzinfo else now.date()
    sent = failed = 0
    reports = SavedReport.objects.exclude(schedule="").select_related("owner", "organisation")
    for report in reports:
        try:
            sent += report_deliver(report=report, today=today)
        except Exception:
            failed += 1
            logger.exception("scheduled report %s not sent", report.pk)
    return {"sent": sent, "failed": failed}
