"""Names and Role Provisioning Services 2.0: an LMS course's roster becomes microcred
people (mapped by platform + subject, as launches do) and a team."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.lti.claims import organisation_roles
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.lti.models import ResourceLink
from microcred_web.lti.platform_http import UnsafeFetch, platform_request
from microcred_web.lti.services import identity_for, member_ensure
from microcred_web.lti.tokens import ServiceError, access_token
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs import services as org_services
from microcred_web.orgs import services_teams
from microcred_web.orgs.models import Membership

logger = logging.getLogger("microcred.lti")

SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_MEMBERS = 5000


@dataclass(frozen=True)
class RosterResult:
    people: int
    created: int
    team_name: str


def _members_fetch(link: ResourceLink) -> list[dict[str, object]]:
    if not link.memberships_url:
        raise ApplicationError(
            "lti_no_roster",
            _("The platform offers no roster for this link (no Names and Roles service)."),
            "memberships_url",
        )
    try:
        token = access_token(link.platform, [SCOPE_NRPS])
        answer = platform_request(
            "GET",
            link.memberships_url,
            headers={"Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_MEDIA_TYPE},
        )
        if not answer.ok:
            raise ServiceError(f"the roster service answered HTTP {answer.status}")
        document = answer.json()
    except (ServiceError, UnsafeFetch) as exc:
        logger.warning("LTI roster of link %s failed: %s", link.pk, exc)
        raise ApplicationError(
            "lti_roster_failed",
            _("The roster could not be fetched: %(reason)s") % {"reason": str(exc)},
            status=502,
        ) from exc
    members = document.get("members") if isinstance(document, dict) else None
    if not isinstance(members, list):
        raise ApplicationError(
            "lti_roster_failed", _("The roster has no members list."), status=502
        )
    return [m for m in members[:MAX_MEMBERS] if isinstance(m, dict)]


@transaction.atomic
def roster_sync(*, link: ResourceLink, actor: User) -> RosterResult:
    """Fetch the link's course roster; active members become people of the organisation and
    the members of a team named after the LMS course (instructors become its managers)."""
    organisation = link.platform.organisation
    fetched = _members_fetch(link)
    learners: list[Membership] = []
    teachers: list[Membership] = []
    created = 0
    for member in fetched:
        subject = str(member.get("user_id") or "")
        status = str(member.get("status") or "Active")
        if not subject or status != "Active":
            continue
        roles = [str(role) for role in member.get("roles") or [] if isinstance(role, str)]  # type: ignore[attr-defined]
        before = link.platform.identities.filter(subject=subject).exists()
        identity = identity_for(
            platform=link.platform,
            subject=subject,
            name=str(member.get("name") or ""),
            email=str(member.get("email") or ""),
        )
        created += 0 if before else 1
        membership = member_ensure(organisation=organisation, user=identity.user, lti_roles=roles)
        (teachers if "issuer" in organisation_roles(roles) else learners).append(membership)
    name = (link.context_title or link.resource_link_id)[:100] + " (LMS)"
    team = link.team or org_selectors.team_list(organisation=organisation).filter(name=name).first()
    if team is None:
        team = org_services.team_create(
            organisation=organisation, name=name, members=learners, managers=teachers, actor=actor
        )
    else:
        services_teams.team_members_add(team=team, memberships=learners, actor=actor)
        services_teams.team_members_add(
            team=team, memberships=teachers, actor=actor, as_manager=True
        )
    link.team = team
    link.roster_synced_at = timezone.now()
    link.save(update_fields=["team", "roster_synced_at", "updated_at"])
    audit_record(
        action="lti.roster_synced",
        actor=actor,
        organisation=organisation,
        target=team,
        data={"people": len(learners) + len(teachers), "created": created},
    )
    return RosterResult(people=len(learners) + len(teachers), created=created, team_name=team.name)
