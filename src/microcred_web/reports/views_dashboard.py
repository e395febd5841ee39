"""The reports dashboard: one page, a section for each of the requester's roles."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.reports import dashboards
from microcred_web.reports.charts import funnel

PERIODS = (30, 90, 365)


def _stage_names() -> list[str]:
    return [_("Issued"), _("Claimed"), _("Viewed"), _("Shared"), _("Verified")]


def _section(key: str, title: str, rows: list[dashboards.FunnelRow]) -> dict[str, object]:
    totals = dashboards.funnel_total(rows)
    names = _stage_names()
    return {
        "key": key,
        "title": title,
        "rows": rows,
        "totals": totals,
        "chart": funnel(
            chart_id=f"funnel-{key}",
            title=_("Funnel: %(what)s") % {"what": title},
            stages=list(zip(names, totals, strict=True)),
        ),
    }


@org_view(Role.ADMIN, Role.ISSUER, Role.MANAGER)
def dashboard(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "90"))
    except ValueError:
        days = 90
    days = days if days in PERIODS else 90
    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    organisation = ctx.organisation
    sections = []
    problems = None
    if ctx.has(Role.ADMIN, Role.ISSUER):
        rows = dashboards.funnel_per_achievement(organisation=organisation, start=start, end=end)
        sections.append(_section("programme", _("the whole programme"), rows))
    if ctx.has(Role.ISSUER, Role.ADMIN):
        problems = dashboards.delivery_problems(organisation=organisation)
    teams = None
    if ctx.has(Role.MANAGER):
        teams = dashboards.managed_team_ids(ctx=ctx)
        rows = dashboards.funnel_per_achievement(
            organisation=organisation, start=start, end=end, teams=teams
        )
        sections.append(_section("teams", _("your teams"), rows))
    return render(
        request,
        "reports/dashboard.html",
        {
            "ctx": ctx,
            "days": days,
            "periods": PERIODS,
            "sections": sections,
            "stage_names": _stage_names(),
            "problems": problems,
            "unclaimed_days": dashboards.UNCLAIMED_DAYS,
            "managed_teams": teams,
            "is_admin": ctx.has(Role.ADMIN),
        },
    )
