"""The manager's actions on the team-expiries page (assign the refresher, send a nudge)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.assessments.expiry_actions import expiry_nudge, expiry_refresher_assign
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role


def _back(ctx: OrgContext) -> HttpResponse:
    return redirect("assessments:team_expiries", slug=ctx.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def expiry_assign_refresher(
    request: HttpRequest, ctx: OrgContext, credential_id: int
) -> HttpResponse:
    try:
        course = expiry_refresher_assign(
            organisation=ctx.organisation,
            manager=ctx.membership,
            credential_id=credential_id,
            now=timezone.now(),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(course)s” is assigned.") % {"course": course.title})
    return _back(ctx)


@org_view(Role.MANAGER)
@require_POST
def expiry_send_nudge(request: HttpRequest, ctx: OrgContext, credential_id: int) -> HttpResponse:
    try:
        holder = expiry_nudge(
            organisation=ctx.organisation,
            manager=ctx.membership,
            credential_id=credential_id,
            now=timezone.now(),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A reminder is on its way to %(name)s.") % {"name": holder.user}
        )
    return _back(ctx)
