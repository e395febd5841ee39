"""The team editor: rename, members with search and paging, add by search or pasted
e-mails, remove. Works the same with ten people or ten thousand."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.common.http import client_address
from microcred_web.orgs import selectors, services, services_teams
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.forms import TeamForm
from microcred_web.orgs.models import Membership, Role, Team

MEMBERS_PER_PAGE = 50


def _team_or_404(ctx: OrgContext, team_id: int) -> Team:
    team = Team.objects.filter(organisation=ctx.organisation, pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    return team


@org_view(Role.ADMIN)
def teams(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    listed = selectors.team_list_with_counts(organisation=ctx.organisation)
    return render(request, "orgs/teams.html", {"ctx": ctx, "teams": listed})


@org_view(Role.ADMIN)
def team_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                organisation=ctx.organisation,
                name=form.cleaned_data["name"],
                actor=ctx.user,
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Team created. Now add its members."))
            return redirect("orgs:team_edit", slug=ctx.organisation.slug, team_id=team.pk)
    status = 400 if form.errors else 200
    return render(request, "orgs/team_form.html", {"ctx": ctx, "form": form}, status=status)


@org_view(Role.ADMIN)
def team_edit(request: HttpRequest, ctx: OrgContext, team_id: int) -> HttpResponse:
    team = _team_or_404(ctx, team_id)
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            services_teams.team_rename(
                team=team,
                name=form.cleaned_data["name"],
                actor=ctx.user,
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Team saved."))
            return redirect("orgs:team_edit", slug=ctx.organisation.slug, team_id=team.pk)
    search = request.GET.get("q", "")
    find = request.GET.get("find", "")
    members = selectors.team_member_list(team=team, search=search)
    context = {
        "ctx": ctx,
        "team": team,
        "form": form,
        "search": search,
        "find": find,
        "page": Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page")),
        "managers": selectors.team_member_list(team=team, managers=True),
        "candidates": selectors.team_candidate_list(team=team, search=find),
    }
    template = "orgs/partials/_team_candidates.html" if is_htmx(request) and find else None
    status = 400 if form.errors else 200
    return render(request, template or "orgs/team_edit.html", context, status=status)


def _chosen(ctx: OrgContext, request: HttpRequest) -> list[Membership]:
    ids = [int(v) for v in request.POST.getlist("membership") if v.isdigit()]
    return list(
        Membership.objects.filter(organisation=ctx.organisation, pk__in=ids).select_related("user")
    )


def _back(ctx: OrgContext, team: Team, request: HttpRequest) -> HttpResponse:
    url = reverse("orgs:team_edit", kwargs={"slug": ctx.organisation.slug, "team_id": team.pk})
    keep = request.POST.get("back_query", "")
    return redirect(f"{url}?{keep}" if keep else url)


@org_view(Role.ADMIN)
@require_POST
def team_members_add(request: HttpRequest, ctx: OrgContext, team_id: int) -> HttpResponse:
    team = _team_or_404(ctx, team_id)
    as_manager = request.POST.get("as") == "manager"
    added = services_teams.team_members_add(
        team=team,
        memberships=_chosen(ctx, request),
        as_manager=as_manager,
        actor=ctx.user,
        ip=client_address(request),
    )
    messages.success(request, _("%(count)d added.") % {"count": added})
    return _back(ctx, team, request)


@org_view(Role.ADMIN)
@require_POST
def team_members_remove(request: HttpRequest, ctx: OrgContext, team_id: int) -> HttpResponse:
    team = _team_or_404(ctx, team_id)
    removed = services_teams.team_members_remove(
        team=team,
        memberships=_chosen(ctx, request),
        as_manager=request.POST.get("as") == "manager",
        actor=ctx.user,
        ip=client_address(request),
    )
    messages.success(request, _("%(count)d removed.") % {"count": removed})
    return _back(ctx, team, request)


@org_view(Role.ADMIN)
@require_POST
def team_members_paste(request: HttpRequest, ctx: OrgContext, team_id: int) -> HttpResponse:
    team = _team_or_404(ctx, team_id)
    try:
        added, unknown = services_teams.team_members_add_by_email(
            team=team,
            text=request.POST.get("emails", ""),
            actor=ctx.user,
            ip=client_address(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx, team, request)
    messages.success(request, _("%(count)d added.") % {"count": added})
    if unknown:
        shown = ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")
        messages.warning(
            request,
            _("Not members of the organisation (invite or import them first): %(emails)s")
            % {"emails": shown},
        )
    return _back(ctx, team, request)
