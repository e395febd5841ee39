"""Recommendation pages: the learner's "Recommended for you" (dismiss, restore), the manager's
team recommendations (one-click assign), training needs (table, CSV), career paths (admins link
roles; members explore; managers see who is closest)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.skills.visibility import Viewer
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.learning import selectors as learning_selectors
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import recommend_services, recommending, role_suggestions, selectors
from microcred_web.skills.models import RoleLink

ADMINS = (Role.ADMIN,)
MANAGERS = (Role.MANAGER, Role.ADMIN)
TEAM_PICKS = 3


def _back(ctx: OrgContext, name: str, **kwargs: Any) -> HttpResponse:
    response: HttpResponse = redirect(name, slug=ctx.organisation.slug, **kwargs)
    return response


def _team_user_ids(ctx: OrgContext) -> list[int]:
    """Admins: every active member in a team; managers: the members of the teams they manage."""
    if ctx.has(Role.ADMIN):
        teams = list(org_selectors.team_list(organisation=ctx.organisation))
    else:
        teams = list(org_selectors.teams_managed_by(membership=ctx.membership))
    return selectors.team_user_ids(teams=teams)


@org_view()
@require_GET
def recommended(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """What the signed-in member could do next, best first, each with its reasons."""
    views = recommending.recommendations_for(organisation=ctx.organisation, user=ctx.user)
    hidden = recommending.dismissed_items(organisation=ctx.organisation, user_id=ctx.user.pk)
    cat = recommending.catalogue(organisation=ctx.organisation)
    titles = {o.key: o.title for o in cat.offers}
    return render(
        request,
        "skills/recommended.html",
        {
            "ctx": ctx,
            "views": views,
            "reasons": list(recommending.DISMISS_REASONS.items()),
            "dismissed": [
                (key, titles.get(key, key), recommending.DISMISS_REASONS.get(row.reason, ""))
                for key, row in hidden.items()
            ],
        },
    )


@org_view()
@require_POST
def recommendation_dismiss(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    item = request.POST.get("item", "")
    try:
        if request.POST.get("restore"):
            recommend_services.recommendation_restore(
                organisation=ctx.organisation, user=ctx.user, item=item
            )
        else:
            recommend_services.recommendation_dismiss(
                organisation=ctx.organisation,
                user=ctx.user,
                item=item,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
    except ApplicationError as error:
        if is_htmx(request):
            return HttpResponse(error.message, status=400)
        messages.error(request, error.message)
        return _back(ctx, "skills:recommended")
    if is_htmx(request):
        return HttpResponse("")  # the row is removed from the list
    return _back(ctx, "skills:recommended")


@org_view(*MANAGERS)
@require_GET
def team_recommended(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The top courses for each person the manager can assign to, with a one-click assign."""
    from microcred_web.accounts.models import User

    members = list(learning_selectors.assignable_members(ctx=ctx))
    in_teams = set(_team_user_ids(ctx))
    cat = recommending.catalogue(organisation=ctx.organisation)
    users = User.objects.in_bulk([m.user_id for m in members])
    rows = [
        (
            m,
            recommending.recommendations_for(
                organisation=ctx.organisation,
                user=users[m.user_id],
                limit=TEAM_PICKS,
                kinds=("course",),
                cat=cat,
                reach=Viewer.SELF if m.user_id == ctx.user.pk else Viewer.MANAGER,
            ),
        )
        for m in members
        if m.user_id in in_teams or ctx.has(Role.ADMIN)
    ]
    return render(
        request,
        "skills/team_recommended.html",
        {"ctx": ctx, "rows": [r for r in rows if r[1]], "today": date.today().isoformat()},
    )


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


@org_view(*MANAGERS)
@require_POST
def recommendation_assign(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Assign a recommended course to one team member (the learning assignment service)."""
    membership = (
        learning_selectors.assignable_members(ctx=ctx)
        .filter(pk=_number(request.POST.get("member", "")))
        .first()
    )
    course = (
        learning_selectors.published_courses(organisation=ctx.organisation)
        .filter(pk=_number(request.POST.get("course", "")))
        .first()
    )
    if membership is None or course is None:
        raise Http404("No such person or course.")
    due_text = request.POST.get("due_date", "")
    try:
        due = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        messages.error(request, _("Give the due date as YYYY-MM-DD."))
        return _back(ctx, "skills:team_recommended")
    try:
        recommend_services.recommendation_assign(
            organisation=ctx.organisation,
            actor=ctx.user,
            course=course,
            membership=membership,
            due_date=due,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx, "skills:team_recommended")
    messages.success(
        request,
        _("Assigned “%(course)s” to %(name)s.") % {"course": course.title, "name": membership.user},
    )
    return _back(ctx, "skills:team_recommended")


# --------------------------------------------------------------------------- training needs


def _scope(request: HttpRequest, ctx: OrgContext) -> tuple[list[Any], str, list[int]]:
    """(teams to choose from, chosen team id, people): one chosen team, else admins the whole
    organisation and managers every team they manage."""
    if ctx.has(Role.ADMIN):
        teams = list(org_selectors.team_list(organisation=ctx.organisation))
    else:
        teams = list(org_selectors.teams_managed_by(membership=ctx.membership))
    chosen = request.GET.get("team", "")
    picked = [t for t in teams if chosen.isdigit() and t.pk == int(chosen)]
    if picked:
        return teams, chosen, selectors.team_user_ids(teams=picked)
    if ctx.has(Role.ADMIN):
        people = org_selectors.membership_list(
            organisation=ctx.organisation, include_inactive=False
        )
        return teams, "", sorted(m.user_id for m in people)
    return teams, "", selectors.team_user_ids(teams=teams)


def _needs(user_ids: list[int], ctx: OrgContext) -> list[recommending.NeedView]:
    return recommending.team_needs(
        organisation=ctx.organisation, user_ids=user_ids, viewer_id=ctx.user.pk
    )


@org_view(*MANAGERS)
@require_GET
def training_needs(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    teams, chosen, people = _scope(request, ctx)
    return render(
        request,
        "skills/needs.html",
        {
            "ctx": ctx,
            "needs": _needs(people, ctx),
            "teams": teams,
            "chosen": chosen,
            "people": len(people),
            "is_admin": ctx.has(Role.ADMIN),
        },
    )


@org_view(*MANAGERS)
@require_GET
def training_needs_export(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    _teams, _chosen, people = _scope(request, ctx)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "kind", "title", "people_helped", "gap_weight_closed", "skills"])
    for n, view in enumerate(_needs(people, ctx), 1):
        writer.writerow(
            [
                n,
                view.need.offer.kind,
                view.need.offer.title,
                view.need.people,
                f"{view.need.closes:.2f}",
                "; ".join(s.label for s in view.skills),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="training-needs-{ctx.organisation.slug}.csv"'
    )
    return response


# --------------------------------------------------------------------------- career paths


@org_view(*ADMINS)
def role_paths(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Career steps between roles: list, add (role A → role B)."""
    if request.method == "POST":
        source = selectors.job_role_get(
            organisation=ctx.organisation, role_id=request.POST.get("source", "")
        )
        target = selectors.job_role_get(
            organisation=ctx.organisation, role_id=request.POST.get("target", "")
        )
        if source is None or target is None:
            messages.error(request, _("Choose two roles."))
        else:
            try:
                recommend_services.role_link_add(
                    organisation=ctx.organisation, actor=ctx.user, source=source, target=target
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Career step saved."))
        return _back(ctx, "skills:role_paths")
    return render(
        request,
        "skills/paths.html",
        {
            "ctx": ctx,
            "links": recommending.role_links(organisation=ctx.organisation),
            "roles": selectors.job_role_list(organisation=ctx.organisation),
            "suggested": [
                (row, role_suggestions.reason(row))
                for row in role_suggestions.suggestions_of(organisation=ctx.organisation)
            ],
        },
    )


@org_view(*ADMINS)
@require_POST
def role_link_delete(request: HttpRequest, ctx: OrgContext, link_id: int) -> HttpResponse:
    link = (
        RoleLink.objects.filter(organisation=ctx.organisation, pk=link_id)
        .select_related("source", "target")
        .first()
    )
    if link is None:
        raise Http404("No such career step.")
    recommend_services.role_link_remove(organisation=ctx.organisation, actor=ctx.user, link=link)
    messages.success(request, _("Career step removed."))
    return _back(ctx, "skills:role_paths")


@org_view()
@require_GET
def explore(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Any role: the member's match, the skill delta and the steps that cover it."""
    roles = recommending.explore_roles(organisation=ctx.organisation, user=ctx.user)
    chosen = selectors.job_role_get(
        organisation=ctx.organisation, role_id=request.GET.get("role", "")
    )
    if chosen is None and roles:
        chosen = next((r for r, is_next in roles if is_next), None)
    view = (
        recommending.path_to(organisation=ctx.organisation, user=ctx.user, role=chosen)
        if chosen
        else None
    )
    related = (
        role_suggestions.suggestions_of(organisation=ctx.organisation, source=chosen)
        if chosen
        else []
    )
    return render(
        request,
        "skills/explore.html",
        {
            "ctx": ctx,
            "roles": roles,
            "chosen": chosen,
            "view": view,
            "related": [(row, role_suggestions.reason(row)) for row in related],
        },
    )


@org_view(*MANAGERS)
@require_GET
def mobility(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Who in the manager's teams is closest to a role (internal mobility)."""
    roles = selectors.job_role_list(organisation=ctx.organisation)
    chosen = selectors.job_role_get(
        organisation=ctx.organisation, role_id=request.GET.get("role", "")
    )
    ranked = (
        recommending.closest_in(
            organisation=ctx.organisation,
            user_ids=_team_user_ids(ctx),
            role=chosen,
            viewer=ctx.user,
        )
        if chosen
        else []
    )
    return render(
        request,
        "skills/mobility.html",
        {"ctx": ctx, "roles": roles, "chosen": chosen, "ranked": ranked},
    )
