"""The team's learning progress as a CSV download (what the "My team" page shows)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.common.csv_export import csv_response
from microcred_web.learning import progress, selectors
from microcred_web.learning.models import Enrolment
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

ASSIGNERS = (Role.ADMIN, Role.MANAGER)


def _state(enrolment: Enrolment) -> str:
    if enrolment.completed_at is not None:
        return _("Completed")
    if selectors.is_overdue(enrolment):
        return _("Overdue")
    if enrolment.started_at is not None or enrolment.completed_blocks:
        return _("In progress")
    return _("Not started")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _rows(ctx: OrgContext) -> Iterator[list[object]]:
    for team, rows in selectors.team_progress(ctx=ctx):
        for row in rows:
            user = row.membership.user
            if not row.enrolments:
                yield [team.name, user.get_full_name(), user.email, "", "", "", "", "", ""]
            for enrolment in row.enrolments:
                yield [
                    team.name,
                    user.get_full_name(),
                    user.email,
                    enrolment.course.title,
                    enrolment.version.number if enrolment.version else "",
                    _state(enrolment),
                    progress.progress_percent(enrolment),
                    _day(enrolment.due_date),
                    _day(enrolment.completed_at),
                ]


@org_view(*ASSIGNERS)
def team_export(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    header = [
        _("Team"),
        _("Person"),
        _("E-mail"),
        _("Course"),
        _("Version"),
        _("Status"),
        _("Progress (%)"),
        _("Due date"),
        _("Completed on"),
    ]
    stamp = timezone.localdate().isoformat()
    return csv_response(f"team-progress-{ctx.organisation.slug}-{stamp}.csv", header, _rows(ctx))
