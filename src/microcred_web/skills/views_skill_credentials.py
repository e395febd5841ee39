"""The learner claims an assessed skill as its own skill credential (decision 0024)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.skills import skill_credentials


@org_view()
@require_POST
def skill_credential_claim(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Any member, for themselves only: the skill must be proven by their own accepted
    assessment in this organisation."""
    try:
        skill_credentials.skill_credential_claim(
            organisation=ctx.organisation, user=ctx.user, skill_id=request.POST.get("skill", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your skill credential was issued."))
    return redirect("skills:mine", slug=ctx.organisation.slug)
