"""Crosswalk pages (decision 0028): the review list (issuers and admins read, admins decide),
proposal runs, manual additions, CSV / CASE export; and a skill's own page with its place in
the hierarchy (breadcrumb, children) and its crosswalks."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import crosswalk_reads, crosswalks, selectors
from microcred_web.skills.models import CrosswalkRelation, CrosswalkState, Skill

ADMINS = (Role.ADMIN,)
EDITORS = (Role.ISSUER, Role.ADMIN)
PAGE_SIZE = 50
MATCH_LIMIT = 20


def _filters(data: Any) -> dict[str, str]:
    framework = str(data.get("framework", ""))
    state = str(data.get("state", ""))
    return {
        "framework": framework if framework.isdigit() else "",
        "state": state if state in CrosswalkState.values else "",
    }


def _to_list(ctx: OrgContext, filters: dict[str, str]) -> HttpResponse:
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    url = reverse("skills:crosswalks", kwargs={"slug": ctx.organisation.slug})
    return redirect(url + (f"?{query}" if query else ""))


@org_view(*EDITORS)
@require_GET
def crosswalk_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    filters = _filters(request.GET)
    rows = crosswalk_reads.crosswalk_list(
        organisation=ctx.organisation, framework_id=filters["framework"], state=filters["state"]
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "skills/crosswalks.html",
        {
            "ctx": ctx,
            "page": page,
            "filters": filters,
            "query": query,
            "frameworks": selectors.framework_list(organisation=ctx.organisation),
            "states": CrosswalkState.choices,
            "is_admin": ctx.has(Role.ADMIN),
            "per_source_max": crosswalks.MAX_PER_SOURCE,
        },
    )


@org_view(*ADMINS)
@require_POST
def crosswalk_propose(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        run = crosswalks.crosswalks_propose(
            organisation=ctx.organisation,
            actor=ctx.user,
            source_framework_id=request.POST.get("source_framework", ""),
            target_framework_id=request.POST.get("target_framework", ""),
            per_source=request.POST.get("per_source", "1"),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _to_list(ctx, _filters(request.POST))
    if run.queued:
        messages.success(
            request, _("The proposals are being computed: reload this page in a few minutes.")
        )
    else:
        messages.success(
            request,
            _("%(n)d crosswalks proposed (%(backend)s matching).")
            % {"n": run.created, "backend": run.backend.split(":")[0]},
        )
    return _to_list(ctx, {"framework": "", "state": CrosswalkState.PROPOSED})


@org_view(*ADMINS)
@require_POST
def crosswalk_decide(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        count = crosswalks.crosswalks_decide(
            organisation=ctx.organisation,
            actor=ctx.user,
            crosswalk_ids=request.POST.getlist("crosswalk"),
            decision=request.POST.get("decision", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)d crosswalks updated.") % {"n": count})
    back = request.POST.get("back_skill", "")
    if back.isdigit():
        return redirect("skills:skill", slug=ctx.organisation.slug, skill_id=int(back))
    return _to_list(ctx, _filters(request.POST))


@org_view(*ADMINS)
@require_POST
def crosswalk_add(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    source = request.POST.get("source_skill", "")
    try:
        row = crosswalks.crosswalk_add(
            organisation=ctx.organisation,
            actor=ctx.user,
            source_skill_id=source,
            target_skill_id=request.POST.get("target_skill", ""),
            relation=request.POST.get("relation", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Crosswalk saved: %(source)s → %(target)s")
            % {"source": row.source.label, "target": row.target.label},
        )
    if source.isdigit() and selectors.skill_get(organisation=ctx.organisation, skill_id=source):
        return redirect("skills:skill", slug=ctx.organisation.slug, skill_id=int(source))
    return _to_list(ctx, {"framework": "", "state": ""})


@org_view(*EDITORS)
@require_GET
def crosswalk_export(request: HttpRequest, ctx: OrgContext, fmt: str) -> HttpResponse:
    """CSV (every crosswalk shown by the filters) or CASE JSON (the confirmed ones)."""
    filters = _filters(request.GET)
    rows = crosswalk_reads.crosswalk_list(
        organisation=ctx.organisation, framework_id=filters["framework"], state=filters["state"]
    )
    name = f"crosswalks-{ctx.organisation.slug}"
    if fmt == "csv":
        response = HttpResponse(
            crosswalk_reads.crosswalks_csv(rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        document = crosswalk_reads.crosswalks_case(organisation=ctx.organisation, rows=rows)
        response = HttpResponse(
            json.dumps(document, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        raise Http404("No such format.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _candidates(ctx: OrgContext, skill: Skill, query: str) -> list[Skill]:
    """Skills of other frameworks matching ``query`` (for a manual crosswalk)."""
    if not query.strip():
        return []
    found = selectors.skill_search(organisation=ctx.organisation, query=query)
    return list(found.exclude(framework_id=skill.framework_id)[:MATCH_LIMIT])


@org_view(*EDITORS)
@require_GET
def skill_page(request: HttpRequest, ctx: OrgContext, skill_id: int) -> HttpResponse:
    """A skill in the browser: breadcrumb, children, exact matches and related skills."""
    skill = selectors.skill_get(organisation=ctx.organisation, skill_id=skill_id)
    if skill is None:
        raise Http404("No such skill.")
    matches = crosswalk_reads.confirmed_matches(organisation=ctx.organisation, skill=skill)
    proposed = crosswalk_reads.crosswalk_list(
        organisation=ctx.organisation, state=CrosswalkState.PROPOSED
    ).filter(source=skill)
    query = request.GET.get("match_q", "")[:200]
    return render(
        request,
        "skills/skill.html",
        {
            "ctx": ctx,
            "skill": skill,
            "ancestors": crosswalk_reads.ancestors(skill),
            "children": crosswalk_reads.children_of(skill),
            "exact": [m.skill for m in matches if m.relation == CrosswalkRelation.EXACT],
            "related": [m.skill for m in matches if m.relation == CrosswalkRelation.RELATED],
            "proposed": list(proposed[:20]),
            "match_q": query,
            "candidates": _candidates(ctx, skill, query),
            "is_admin": ctx.has(Role.ADMIN),
        },
    )
