"""The assessor's card of the organisation home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.assessments import selectors
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.dashboard import DashboardCard, DashboardLink
from microcred_web.orgs.models import Role


def assessments_card(ctx: OrgContext) -> DashboardCard | None:
    if not ctx.has(Role.ASSESSOR, Role.ADMIN):
        return None
    queue = selectors.assessment_queue(
        organisation=ctx.organisation, user=ctx.user, is_admin=ctx.has(Role.ADMIN)
    )
    waiting = queue.count()
    overdue = queue.filter(due_at__lt=timezone.now()).count() if waiting else 0
    warning = ""
    if overdue:
        warning = ngettext(
            "%(count)d past its review date", "%(count)d past their review date", overdue
        ) % {"count": overdue}
    return DashboardCard(
        key="dash-assessments",
        title=_("Assessments"),
        stat=waiting,
        stat_label=_("waiting for a review"),
        warning=warning,
        links=(
            DashboardLink(
                _("Open the queue"),
                reverse("assessments:queue", kwargs={"slug": ctx.organisation.slug}),
            ),
        ),
    )
