"""Pathway reports (admins, issuers, managers), team assignment (admins, managers) and the
migration of learners to the published version (admins). Managers see and assign only the
members of the teams they manage; every page is scoped to the organisation in its address."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.pathways import cohorts, reports, selectors
from microcred_web.pathways.models import Pathway

READERS = (Role.ADMIN, Role.ISSUER, Role.MANAGER)
ASSIGNERS = (Role.ADMIN, Role.MANAGER)


def _pathway_or_404(ctx: OrgContext, pathway_id: int) -> Pathway:
    pathway = selectors.pathway_get(organisation=ctx.organisation, pathway_id=pathway_id)
    if pathway is None:
        raise Http404("No such pathway.")
    return pathway


@org_view(*READERS)
@require_GET
def reports_index(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return render(
        request,
        "pathways/reports_index.html",
        {"ctx": ctx, "pathways": selectors.pathway_catalogue(organisation=ctx.organisation)},
    )


def _report_page(
    request: HttpRequest, ctx: OrgContext, pathway: Pathway, error: str = ""
) -> HttpResponse:
    user_ids = reports.scope_user_ids(ctx)
    return render(
        request,
        "pathways/report.html",
        {
            "ctx": ctx,
            "pathway": pathway,
            "reports": reports.pathway_report(pathway=pathway, user_ids=user_ids),
            "version_rules": reports.version_rules(pathway=pathway, user_ids=user_ids),
            "teams": reports.assignable_teams(ctx) if ctx.has(*ASSIGNERS) else [],
            "can_migrate": ctx.has(Role.ADMIN),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(*READERS)
@require_GET
def report(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    return _report_page(request, ctx, _pathway_or_404(ctx, pathway_id))


@org_view(*READERS)
@require_GET
def report_csv(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    pathway = _pathway_or_404(ctx, pathway_id)
    found = reports.pathway_report(pathway=pathway, user_ids=reports.scope_user_ids(ctx))
    response = HttpResponse(reports.report_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pathway-{pathway.pk}-funnel.csv"'
    return response


@org_view(*ASSIGNERS)
@require_POST
def assign(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    pathway = _pathway_or_404(ctx, pathway_id)
    teams = {str(team.pk): team for team in reports.assignable_teams(ctx)}
    team = teams.get(request.POST.get("team", ""))
    try:
        if team is None:
            raise ApplicationError("team", _("Choose one of your teams."), "team")
        raw_due = request.POST.get("due_date", "").strip()
        try:
            due = date.fromisoformat(raw_due) if raw_due else None
        except ValueError as error:
            raise ApplicationError("due_date", _("Enter a date."), "due_date") from error
        created, updated = cohorts.pathway_assign_team(
            pathway=pathway, team=team, due_date=due, actor=ctx.user
        )
    except ApplicationError as failure:
        return _report_page(request, ctx, pathway, failure.message)
    messages.success(
        request,
        _("%(created)s enrolled, %(updated)s already enrolled; due dates set.")
        % {"created": created, "updated": updated},
    )
    return redirect("pathways:report", slug=ctx.organisation.slug, pathway_id=pathway.pk)


@org_view(Role.ADMIN)
def migrate(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    """GET: who gains or loses progress by moving to the published version. POST: move them,
    only if the preview the admin saw is still what would happen."""
    pathway = _pathway_or_404(ctx, pathway_id)
    preview = reports.migration_preview(pathway=pathway)
    error = ""
    if request.method == "POST":
        if not preview.moves or request.POST.get("fingerprint") != preview.fingerprint:
            error = _("Learners or versions changed since the preview: check it again.")
        else:
            moved = cohorts.enrolments_migrate(
                pathway=pathway,
                enrolment_ids=[m.enrolment.pk for m in preview.moves],
                actor=ctx.user,
            )
            messages.success(
                request,
                ngettext(
                    "%(count)s learner moved to the published version.",
                    "%(count)s learners moved to the published version.",
                    len(moved),
                )
                % {"count": len(moved)},
            )
            return redirect("pathways:report", slug=ctx.organisation.slug, pathway_id=pathway.pk)
    return render(
        request,
        "pathways/migrate.html",
        {"ctx": ctx, "pathway": pathway, "preview": preview, "error": error},
        status=409 if error else 200,
    )
