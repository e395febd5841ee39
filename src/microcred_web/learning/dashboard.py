"""The learner's card of the organisation home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.learning import selectors
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.dashboard import DashboardCard, DashboardLink
from microcred_web.orgs.models import Role


def learning_card(ctx: OrgContext) -> DashboardCard | None:
    if not ctx.has(Role.LEARNER):
        return None
    to_finish, overdue, done = selectors.enrolment_counts_for_user(
        organisation=ctx.organisation, user_id=ctx.user.pk
    )
    lines = (
        ngettext("%(count)d course completed", "%(count)d courses completed", done)
        % {"count": done},
    )
    warning = ""
    if overdue:
        warning = ngettext(
            "%(count)d past its due date", "%(count)d past their due date", overdue
        ) % {"count": overdue}
    return DashboardCard(
        key="dash-learning",
        title=_("My learning"),
        stat=to_finish,
        stat_label=_("courses to finish"),
        lines=lines,
        warning=warning,
        links=(
            DashboardLink(
                _("Open my learning"),
                reverse("learning:mine", kwargs={"slug": ctx.organisation.slug}),
            ),
        ),
    )
