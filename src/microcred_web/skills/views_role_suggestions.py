"""Career steps suggested from ESCO: an administrator accepts one (a real link), hides one,
or seeds them again (after adding roles by hand, say)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import role_suggestions
from microcred_web.skills.models import SuggestedRoleLink


def _back(ctx: OrgContext) -> HttpResponse:
    response: HttpResponse = redirect("skills:role_paths", slug=ctx.organisation.slug)
    return response


def _suggestion(ctx: OrgContext, suggestion_id: int) -> SuggestedRoleLink:
    row = role_suggestions.suggestion_get(
        organisation=ctx.organisation, suggestion_id=suggestion_id
    )
    if row is None:
        raise Http404("No such suggestion.")
    return row


@org_view(Role.ADMIN)
@require_POST
def suggestion_accept(request: HttpRequest, ctx: OrgContext, suggestion_id: int) -> HttpResponse:
    row = _suggestion(ctx, suggestion_id)
    role_suggestions.suggestion_accept(
        organisation=ctx.organisation, actor=ctx.user, suggestion=row
    )
    messages.success(request, _("Career step saved."))
    return _back(ctx)


@org_view(Role.ADMIN)
@require_POST
def suggestion_hide(request: HttpRequest, ctx: OrgContext, suggestion_id: int) -> HttpResponse:
    row = _suggestion(ctx, suggestion_id)
    role_suggestions.suggestion_hide(organisation=ctx.organisation, actor=ctx.user, suggestion=row)
    messages.success(request, _("Suggestion hidden."))
    return _back(ctx)


@org_view(Role.ADMIN)
@require_POST
def suggestions_seed(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    shown = role_suggestions.role_links_seed(organisation=ctx.organisation, actor=ctx.user)
    messages.success(request, _("Suggestions from ESCO: %(count)d.") % {"count": shown})
    return _back(ctx)
