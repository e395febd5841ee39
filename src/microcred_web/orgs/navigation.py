"""The navigation each role sees inside an organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Role

#: who may issue: the issuing pages (achievements, credentials, bulk) admit both roles
ISSUING_ROLES = (Role.ISSUER, Role.ADMIN)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...] = ()  # () = any member
    #: other pages of the same section, which mark this item as current too
    also: tuple[str, ...] = ()

    def url(self, slug: str) -> str:
        return reverse(self.url_name, kwargs={"slug": slug})

    def shown_to(self, roles: frozenset[str] | set[str]) -> bool:
        return not self.roles or any(role in roles for role in self.roles)


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "orgs:dashboard"),
    # "My learning" holds the learner's courses and credential goals; "My team" the team's
    NavItem(_("My learning"), "learning:mine", (Role.LEARNER,), ("learning:player", "awards:mine")),
    NavItem(
        _("My evidence"),
        "assessments:my_evidence",
        (Role.LEARNER,),
        ("assessments:evidence_detail",),
    ),
    NavItem(
        _("My skills"),
        "skills:mine",
        (Role.LEARNER,),
        ("skills:gaps", "skills:recommended", "skills:explore"),
    ),
    NavItem(
        _("My pathways"),
        "pathways:mine",
        (Role.LEARNER,),
        ("pathways:map", "pathways:catalogue", "pathways:detail"),
    ),
    NavItem(_("My team"), "learning:team", (Role.MANAGER,), ("learning:assign", "awards:team")),
    NavItem(
        _("Team skills"),
        "skills:team",
        (Role.MANAGER,),
        ("skills:team_recommended", "skills:training_needs", "skills:mobility"),
    ),
    NavItem(_("Team expiries"), "assessments:team_expiries", (Role.MANAGER,)),
    NavItem(_("Team pathways"), "pathways:reports", (Role.MANAGER,), ("pathways:report",)),
    NavItem(
        _("Assessments"),
        "assessments:queue",
        (Role.ASSESSOR, Role.ADMIN),
        ("assessments:review",),
    ),
    # the admin sets assessments up here (requirements, then the organisation's settings)
    NavItem(
        _("Requirements"),
        "assessments:requirements",
        (Role.ADMIN,),
        ("assessments:requirement",),
    ),
    NavItem(_("Assessment settings"), "assessments:policy", (Role.ADMIN,)),
    NavItem(_("Observations"), "assessments:observation", (Role.MANAGER, Role.ASSESSOR)),
    NavItem(
        _("Courses"),
        "learning:course_list",
        ISSUING_ROLES,
        (
            "learning:course_new",
            "learning:course_detail",
            "learning:course_edit",
            "learning:course_preview",
            "learning:module_edit",
            "learning:block_new",
            "learning:block_edit",
            "learning:quiz_new",
            "learning:quiz_edit",
            "learning:question_new",
            "learning:question_edit",
            "learning:translations",
            "learning:course_versions",
        ),
    ),
    NavItem(
        _("Achievements"),
        "achievements:list",
        ISSUING_ROLES,
        ("achievements:new", "achievements:detail", "achievements:edit"),
    ),
    NavItem(_("Pathways"), "pathways:manage", ISSUING_ROLES, ("pathways:editor",)),
    NavItem(
        _("Credentials"),
        "issuing:list",
        ISSUING_ROLES,
        ("issuing:issue", "issuing:detail", "issuing:status"),
    ),
    NavItem(
        _("Bulk issue"),
        "bulk:upload",
        ISSUING_ROLES,
        ("bulk:columns", "bulk:preview", "bulk:progress"),
    ),
    NavItem(
        _("Skills"),
        "skills:home",
        ISSUING_ROLES,
        ("skills:roles", "skills:role", "skills:alignments", "skills:role_paths"),
    ),
    NavItem(_("Insights"), "wallet:insights", ISSUING_ROLES),
    NavItem(_("Reports"), "reports:builder", ISSUING_ROLES, ("reports:saved",)),
    NavItem(_("Dashboards"), "reports:dashboard", (*ISSUING_ROLES, Role.MANAGER)),
    NavItem(
        _("People"),
        "orgs:people",
        (Role.ADMIN,),
        ("orgs:invite", "orgs:person", "orgs:people_import", "orgs:people_import_preview"),
    ),
    NavItem(_("Teams"), "orgs:teams", (Role.ADMIN,), ("orgs:team_new", "orgs:team_edit")),
    NavItem(_("Settings"), "orgs:settings", (Role.ADMIN,)),
    NavItem(_("Issuer identity"), "issuing:settings", (Role.ADMIN,)),
    NavItem(_("API keys"), "issuing:api_keys", (Role.ADMIN,)),
    NavItem(
        _("Webhooks"),
        "webhooks:list",
        (Role.ADMIN,),
        ("webhooks:new", "webhooks:detail", "webhooks:edit"),
    ),
    NavItem(_("Trusted issuers"), "trustlists:list", (Role.ADMIN,)),
    NavItem(_("Single sign-on"), "sso:settings", (Role.ADMIN,)),
    NavItem(_("Sign-in security"), "mfa:org_policy", (Role.ADMIN,)),
    NavItem(_("Provisioning (SCIM)"), "scim:tokens", (Role.ADMIN,)),
    NavItem(
        _("LMS (LTI)"),
        "lti:platforms",
        (Role.ADMIN,),
        ("lti:platform_new", "lti:platform", "lti:platform_edit"),
    ),
    NavItem(_("xAPI statements"), "xapi:clients", (Role.ADMIN,)),
    NavItem(_("Audit log"), "orgs:audit", (Role.ADMIN,)),
    NavItem(_("Due dates in your calendar"), "calendars:page", ()),
    NavItem(_("Notifications"), "notifications:list", (), ("notifications:preferences",)),
)


def nav_for(ctx: OrgContext) -> list[dict[str, object]]:
    slug = ctx.organisation.slug
    return [
        {
            "label": item.label,
            "url": item.url(slug),
            "url_name": item.url_name,
            "url_names": (item.url_name, *item.also),
        }
        for item in NAV_ITEMS
        if item.shown_to(ctx.roles)
    ]
