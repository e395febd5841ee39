"""The issuing card of the organisation home page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred_web.issuing import selectors
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.dashboard import DashboardCard, DashboardLink
from microcred_web.orgs.models import Role


def credentials_card(ctx: OrgContext) -> DashboardCard | None:
    if not ctx.has(Role.ISSUER, Role.ADMIN):
        return None
    counts = selectors.credential_counts(
        organisation=ctx.organisation, since=timezone.now() - timedelta(days=30)
    )
    slug = {"slug": ctx.organisation.slug}
    lines = [
        ngettext(
            "%(count)d issued in the last 30 days", "%(count)d issued in the last 30 days",
            counts.recent,
        ) % {"count": counts.recent},
        ngettext("%(count)d not claimed yet", "%(count)d not claimed yet", counts.unclaimed)
        % {"count": counts.unclaimed},
    ]  # fmt: skip
    if counts.withdrawn:
        lines.append(
            ngettext(
                "%(count)d revoked or suspended", "%(count)d revoked or suspended", counts.withdrawn
            )
            % {"count": counts.withdrawn}
        )
    return DashboardCard(
        key="dash-credentials",
        title=_("Credentials"),
        stat=counts.total,
        stat_label=_("issued in all"),
        lines=tuple(lines),
        links=(
            DashboardLink(_("Issue a credential"), reverse("issuing:issue", kwargs=slug)),
            DashboardLink(_("Issue from a spreadsheet"), reverse("bulk:upload", kwargs=slug)),
            DashboardLink(_("All credentials"), reverse("issuing:list", kwargs=slug)),
        ),
    )
