"""The weaker evidence sources (issue 17 item 3): rating yourself and choosing who sees each
skill (any member, their own), asking colleagues for endorsements and answering them, a
person's skills as a manager or colleague sees them, and manager ratings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.skills.visibility import Viewer
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Membership, Role
from microcred_web.skills import endorsements, selectors, services, wording
from microcred_web.skills.models import Skill

MANAGERS = (Role.MANAGER, Role.ADMIN)


def _back(ctx: OrgContext, name: str, **kwargs: Any) -> HttpResponse:
    return redirect(reverse(name, kwargs={"slug": ctx.organisation.slug, **kwargs}))


def _skill(request: HttpRequest, ctx: OrgContext) -> Skill:
    """The skill posted: its id, or else the best match of the words typed."""
    raw = request.POST.get("skill", "").strip()[:200]
    skill = selectors.skill_get(organisation=ctx.organisation, skill_id=raw) if raw else None
    if skill is None and raw and not raw.isdigit():
        skill = selectors.skill_search(organisation=ctx.organisation, query=raw).first()
    if skill is None:
        raise ApplicationError("skill", _("No such skill."), "skill")
    return skill


def _member_user(ctx: OrgContext, user_id: Any) -> User:
    membership = (
        Membership.objects.filter(organisation=ctx.organisation, user_id=user_id, is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership.user


@org_view()
@require_POST
def mine_rate(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Rate yourself on a skill (self-assessment evidence)."""
    try:
        skill = _skill(request, ctx)
        endorsements.self_assess(
            organisation=ctx.organisation,
            user=ctx.user,
            skill=skill,
            level=request.POST.get("level"),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your self-assessment is recorded."))
    return _back(ctx, "skills:mine")


@org_view()
@require_POST
def mine_visibility(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Choose who may see one of your skills."""
    try:
        endorsements.visibility_set(
            organisation=ctx.organisation,
            user=ctx.user,
            skill=_skill(request, ctx),
            visibility=request.POST.get("visibility", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Visibility saved."))
    return _back(ctx, "skills:mine")


@org_view()
@require_POST
def endorsement_ask(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Ask a colleague (by e-mail address) to endorse one of your skills."""
    email = request.POST.get("endorser", "").strip()[:254]
    endorser = User.objects.filter(email__iexact=email).first() if email else None
    try:
        endorsements.endorsement_request(
            organisation=ctx.organisation,
            requester=ctx.user,
            endorser=endorser,
            skill=_skill(request, ctx),
            level=request.POST.get("level"),
            message=request.POST.get("message", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request has been sent."))
    return _back(ctx, "skills:endorsements")


@org_view()
@require_GET
def endorsements_page(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Requests addressed to me (to answer) and the ones I sent."""
    return render(
        request,
        "skills/endorsements.html",
        {
            "ctx": ctx,
            "to_me": endorsements.requests_to(organisation=ctx.organisation, user=ctx.user),
            "from_me": endorsements.requests_from(organisation=ctx.organisation, user=ctx.user),
            "open_statuses": [str(s) for s in endorsements.OPEN],
        },
    )


@org_view()
@require_POST
def endorsement_answer(request: HttpRequest, ctx: OrgContext, request_id: int) -> HttpResponse:
    """Accept (with an optional comment), decline, or ask for detail."""
    found = endorsements.request_get(organisation=ctx.organisation, request_id=request_id)
    if found is None or found.endorser_id != ctx.user.pk:
        raise Http404("No such request.")
    action = request.POST.get("action", "")
    text = request.POST.get("text", "")
    try:
        if action == "accept":
            endorsements.endorsement_accept(request=found, actor=ctx.user, comment=text)
            messages.success(request, _("Thank you: your endorsement is recorded."))
        elif action == "decline":
            endorsements.endorsement_decline(request=found, actor=ctx.user)
            messages.success(request, _("Request declined."))
        elif action == "detail":
            endorsements.endorsement_ask_detail(request=found, actor=ctx.user, question=text)
            messages.success(request, _("Your question has been sent."))
        else:
            raise ApplicationError("action", _("Choose an answer."), "action")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(ctx, "skills:endorsements")


@org_view()
@require_GET
def person(request: HttpRequest, ctx: OrgContext, user_id: int) -> HttpResponse:
    """A colleague's skills as the viewer may see them (managers: *manager* and wider;
    colleagues: *organisation* and wider), with a rating form for their managers."""
    subject = _member_user(ctx, user_id)
    viewer = endorsements.viewer_of(organisation=ctx.organisation, viewer=ctx.user, person=subject)
    if viewer is None:
        raise Http404("No such member.")
    if viewer is Viewer.SELF:
        return _back(ctx, "skills:mine")
    table = endorsements.visibilities_of(organisation=ctx.organisation, user_ids=[subject.pk])
    lines = [
        line
        for line in selectors.profile_lines(organisation=ctx.organisation, user=subject)
        if endorsements.visible(table, user_id=subject.pk, skill_id=line.skill.pk, viewer=viewer)
    ]
    return render(
        request,
        "skills/person.html",
        {
            "ctx": ctx,
            "subject": subject,
            "is_manager": viewer is Viewer.MANAGER,
            "lines": [
                {"line": line, "kind": wording.kind_label(line.state.kind)} for line in lines
            ],
            "levels": services.scale_default(organisation=ctx.organisation).levels,
        },
    )


@org_view(*MANAGERS)
@require_POST
def person_rate(request: HttpRequest, ctx: OrgContext, user_id: int) -> HttpResponse:
    """A manager of the person's team (or an administrator) rates one of their skills."""
    subject = _member_user(ctx, user_id)
    try:
        endorsements.manager_rate(
            organisation=ctx.organisation,
            manager=ctx.user,
            person=subject,
            skill=_skill(request, ctx),
            level=request.POST.get("level"),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your rating is recorded."))
    return _back(ctx, "skills:person", user_id=subject.pk)
