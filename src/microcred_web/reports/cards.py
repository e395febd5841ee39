"""The reports card of the organisation home page: credentials issued in the last 30 days
(a manager's: to their teams' people), with links to the dashboards and the builder."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.dashboard import DashboardCard, DashboardLink
from microcred_web.orgs.models import Role
from microcred_web.reports import dashboards


def reports_card(ctx: OrgContext) -> DashboardCard | None:
    if not ctx.has(Role.ADMIN, Role.ISSUER, Role.MANAGER):
        return None
    programme = ctx.has(Role.ADMIN, Role.ISSUER)
    end = timezone.now().date()
    rows = dashboards.funnel_per_achievement(
        organisation=ctx.organisation,
        start=end - timedelta(days=29),
        end=end,
        teams=None if programme else dashboards.managed_team_ids(ctx=ctx),
    )
    slug = ctx.organisation.slug
    links = [DashboardLink(_("Open the dashboards"), reverse("reports:dashboard", args=[slug]))]
    if programme:
        links.append(DashboardLink(_("Build a report"), reverse("reports:builder", args=[slug])))
    return DashboardCard(
        key="dash-reports",
        title=_("Reports"),
        stat=dashboards.funnel_total(rows)[0],
        stat_label=(
            _("credentials issued in the last 30 days")
            if programme
            else _("credentials issued to your teams in the last 30 days")
        ),
        links=tuple(links),
    )
