"""The learner's credentials card of the organisation home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.dashboard import DashboardCard, DashboardLink
from microcred_web.orgs.models import Role
from microcred_web.wallet import selectors


def wallet_card(ctx: OrgContext) -> DashboardCard | None:
    if not ctx.has(Role.LEARNER):
        return None
    held = (
        selectors.issued_credentials_of(user=ctx.user).filter(organisation=ctx.organisation).count()
    )
    return DashboardCard(
        key="dash-wallet",
        title=_("My credentials"),
        stat=held,
        stat_label=_("from this organisation"),
        links=(DashboardLink(_("Open my wallet"), reverse("wallet:home")),),
    )
