"""The navigation each role sees inside an organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    role: str  # "" = any member

    def url(self, slug: str) -> str:
        return reverse(self.url_name, kwargs={"slug": slug})


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "orgs:dashboard", ""),
    NavItem(_("My learning"), "orgs:learning", Role.LEARNER),
    NavItem(_("My team"), "orgs:my_team", Role.MANAGER),
    NavItem(_("Assessments"), "orgs:assessments", Role.ASSESSOR),
    NavItem(_("Issuing"), "orgs:issuing", Role.ISSUER),
    NavItem(_("Achievements"), "achievements:list", Role.ISSUER),
    NavItem(_("Credentials"), "issuing:list", Role.ISSUER),
    NavItem(_("People"), "orgs:people", Role.ADMIN),
    NavItem(_("Teams"), "orgs:teams", Role.ADMIN),
    NavItem(_("Settings"), "orgs:settings", Role.ADMIN),
    NavItem(_("Issuer identity"), "issuing:settings", Role.ADMIN),
    NavItem(_("API keys"), "issuing:api_keys", Role.ADMIN),
    NavItem(_("Audit log"), "orgs:audit", Role.ADMIN),
)


def nav_for(ctx: OrgContext) -> list[dict[str, object]]:
    slug = ctx.organisation.slug
    return [
        {"label": item.label, "url": item.url(slug), "url_name": item.url_name}
        for item in NAV_ITEMS
        if not item.role or item.role in ctx.roles
    ]
