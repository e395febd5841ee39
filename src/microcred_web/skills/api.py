"""Read-only skills API: a person's profile, role gaps and recommendations.

``/api/v1/orgs/<slug>/skills/people/<member id>/…`` with the organisation's API key
(``Authorization: Bearer mck_…``) or an organisation client's token with ``org.people.read``;
``member id`` is the id ``/orgs/<slug>/members`` lists. A key reaches only its own
organisation's people: anything else is 404.

The key acts for the organisation: it reads only the skills each person shows to their
organisation (visibility *organisation* or *public*; private and manager-only skills are left
out of the profile and count as not held in gaps and recommendations).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from microcred.skills.visibility import Viewer
from microcred_web.common.errors import ApplicationError
from microcred_web.issuing.api import OrgApiAuth, _key
from microcred_web.oauth.scopes import ORG_PEOPLE_READ
from microcred_web.orgs.models import Membership
from microcred_web.skills import recommending, selectors

#: what an organisation's key sees of a person's skills
REACH = Viewer.COLLEAGUE

router = Router(auth=OrgApiAuth(), tags=["skills"])


def _member(request: HttpRequest, slug: str, member_id: int) -> Membership:
    api_key = _key(request, slug, ORG_PEOPLE_READ)
    membership = (
        Membership.objects.filter(organisation=api_key.organisation, pk=member_id)
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        raise ApplicationError("not_found", "Not found.", status=404)
    return membership


@router.get(
    "/orgs/{slug}/skills/people/{member_id}/profile",
    response=dict[str, Any],
    url_name="skills_profile",
)
def profile(request: HttpRequest, slug: str, member_id: int) -> dict[str, Any]:
    m = _member(request, slug, member_id)
    lines = selectors.profile_lines(organisation=m.organisation, user=m.user, reach=REACH)
    return {
        "person": m.user.email,
        "skills": [
            {
                "uri": line.skill.uri,
                "label": line.skill.label,
                "framework": line.skill.framework.name,
                "level": line.state.level,
                "level_label": line.level_label,
                "held": line.state.held,
                "verified": line.state.verified,
                "external": line.state.external,
            }
            for line in lines
        ],
    }


@router.get(
    "/orgs/{slug}/skills/people/{member_id}/gaps",
    response=dict[str, Any],
    url_name="skills_gaps",
)
def gaps(request: HttpRequest, slug: str, member_id: int) -> dict[str, Any]:
    m = _member(request, slug, member_id)
    views = selectors.gaps_of(organisation=m.organisation, user=m.user, reach=REACH)
    return {
        "person": m.user.email,
        "roles": [
            {
                "role": view.role.name,
                "current": view.is_current,
                "match_percent": view.gap.match_percent,
                "gap_weight": round(view.gap.gap_weight, 4),
                "skills": [
                    {
                        "uri": skill.uri,
                        "label": skill.label,
                        "required": item.required,
                        "held": item.held,
                        "weight": item.weight,
                        "met": item.met,
                    }
                    for skill, item in view.lines
                ],
            }
            for view in views
        ],
    }


@router.get(
    "/orgs/{slug}/skills/people/{member_id}/recommendations",
    response=dict[str, Any],
    url_name="skills_recommendations",
)
def recommendations(request: HttpRequest, slug: str, member_id: int) -> dict[str, Any]:
    m = _member(request, slug, member_id)
    views = recommending.recommendations_for(organisation=m.organisation, user=m.user, reach=REACH)
    return {
        "person": m.user.email,
        "recommendations": [
            {
                "item": view.key,
                "kind": view.rec.offer.kind,
                "title": view.rec.offer.title,
                "gap_weight_closed": round(view.rec.closes, 4),
                "due": view.rec.offer.due.isoformat() if view.rec.offer.due else None,
                "effort_hours": view.rec.offer.effort_hours,
                "reasons": view.reasons,
            }
            for view in views
        ],
    }
