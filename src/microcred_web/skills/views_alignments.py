"""Skills of a course (authors), a quiz question (authors) and a rubric criterion
(administrators, who edit rubrics): search, add with a level, change a level, remove.
Reached from the course page, the question editor and the requirement (rubric) page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import learning_alignments, selectors, services

EDITORS = (Role.ISSUER, Role.ADMIN)


def _page(request: HttpRequest, ctx: OrgContext, kind: str, object_id: int) -> HttpResponse:
    target = learning_alignments.target_get(
        organisation=ctx.organisation, kind=kind, object_id=object_id
    )
    if target is None:
        raise Http404("Nothing to align here.")
    error = ""
    if request.method == "POST":
        ids = dict.fromkeys(request.POST.getlist("skill"))
        rows = [
            (s, request.POST.get(f"level-{s}", ""))
            for s in ids
            if s and request.POST.get(f"remove-{s}") is None
        ]
        try:
            learning_alignments.learning_alignment_set(
                organisation=ctx.organisation, actor=ctx.user, target=target, rows=rows
            )
        except ApplicationError as failure:
            error = failure.message
        else:
            messages.success(request, _("Skills saved."))
            return redirect(request.path)
    aligned = learning_alignments.alignments_of(target)
    query = request.GET.get("q", "")
    found = []
    if query.strip():
        chosen = [a.skill_id for a in aligned]
        found = list(
            selectors.skill_search(organisation=ctx.organisation, query=query)
            .exclude(pk__in=chosen)
            .select_related("framework")[:20]
        )
    return render(
        request,
        "skills/learning_alignments.html",
        {
            "ctx": ctx,
            "target": target,
            "alignments": aligned,
            "levels": services.scale_default(organisation=ctx.organisation).levels,
            "query": query,
            "found": found,
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(*EDITORS)
def course_skills(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    return _page(request, ctx, "course", course_id)


@org_view(*EDITORS)
def question_skills(request: HttpRequest, ctx: OrgContext, question_id: int) -> HttpResponse:
    return _page(request, ctx, "question", question_id)


@org_view(Role.ADMIN)
def criterion_skills(request: HttpRequest, ctx: OrgContext, criterion_id: int) -> HttpResponse:
    return _page(request, ctx, "criterion", criterion_id)
