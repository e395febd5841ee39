"""Proficiency scale pages (administrators): the list, a scale's editor, the mapping of one
scale onto another, and a skill's own level descriptors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.skills.scales import proposed_table
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import scale_services, selectors, services
from microcred_web.skills.models import ProficiencyScale, ScaleMapping

ADMINS = (Role.ADMIN,)
EDITOR_ROWS = scale_services.MAX_LEVELS


def _scale_of(ctx: OrgContext, scale_id: int) -> ProficiencyScale:
    scale = ProficiencyScale.objects.filter(organisation=ctx.organisation, pk=scale_id).first()
    if scale is None:
        raise Http404("No such scale.")
    return scale


def _posted_levels(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (request.POST.get(f"label-{n}", ""), request.POST.get(f"descriptor-{n}", ""))
        for n in range(1, EDITOR_ROWS + 1)
    ]


def _editor_rows(levels: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Ten rows for the editor: the levels, then blank rows to add more."""
    padded = [*levels, *[("", "")] * (EDITOR_ROWS - len(levels))][:EDITOR_ROWS]
    return [
        {
            "number": n,
            "label": label,
            "descriptor": descriptor,
            "label_field": f"label-{n}",
            "descriptor_field": f"descriptor-{n}",
        }
        for n, (label, descriptor) in enumerate(padded, start=1)
    ]


def _render_editor(
    request: HttpRequest,
    ctx: OrgContext,
    scale: ProficiencyScale | None,
    error: ApplicationError | None = None,
) -> HttpResponse:
    if error is not None:  # show what was typed
        levels = _posted_levels(request)
        name, result_ids = request.POST.get("name", ""), request.POST.get("result_ids", "")
    elif scale is not None:
        levels = [(str(r["label"]), str(r.get("descriptor", ""))) for r in scale.levels]
        name, result_ids = scale.name, "\n".join(scale.result_ids or [])
    else:
        levels, name, result_ids = [], "", ""
    others = ProficiencyScale.objects.filter(organisation=ctx.organisation)
    return render(
        request,
        "skills/scale.html",
        {
            "ctx": ctx,
            "scale": scale,
            "name": name,
            "result_ids": result_ids,
            "rows": _editor_rows(levels),
            "error": error,
            "uses": scale_services.scale_uses(scale=scale) if scale else [],
            "others": others.exclude(pk=scale.pk) if scale else [],
            "mappings": ScaleMapping.objects.filter(source=scale).select_related("target")
            if scale
            else [],
        },
        status=400 if error else 200,
    )


@org_view(*ADMINS)
def scales(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The organisation's scales; POST creates one."""
    services.scale_default(organisation=ctx.organisation)
    if request.method == "POST":
        try:
            scale = scale_services.scale_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                name=request.POST.get("name", ""),
                levels=_posted_levels(request),
                result_ids=request.POST.get("result_ids", ""),
            )
        except ApplicationError as error:
            return _render_editor(request, ctx, None, error)
        messages.success(request, _("Scale saved: %(name)s") % {"name": scale.name})
        return redirect("skills:scale", slug=ctx.organisation.slug, scale_id=scale.pk)
    if request.GET.get("new"):
        return _render_editor(request, ctx, None)
    listed = ProficiencyScale.objects.filter(organisation=ctx.organisation).prefetch_related(
        "mappings_from__target"
    )
    return render(request, "skills/scales.html", {"ctx": ctx, "scales": listed})


@org_view(*ADMINS)
def scale(request: HttpRequest, ctx: OrgContext, scale_id: int) -> HttpResponse:
    found = _scale_of(ctx, scale_id)
    if request.method == "POST":
        try:
            scale_services.scale_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                scale=found,
                name=request.POST.get("name", ""),
                levels=_posted_levels(request),
                result_ids=request.POST.get("result_ids", ""),
            )
        except ApplicationError as error:
            return _render_editor(request, ctx, found, error)
        messages.success(request, _("Scale saved: %(name)s") % {"name": found.name})
        return redirect("skills:scale", slug=ctx.organisation.slug, scale_id=found.pk)
    return _render_editor(request, ctx, found)


def _to_list(ctx: OrgContext) -> HttpResponse:
    response: HttpResponse = redirect("skills:scales", slug=ctx.organisation.slug)
    return response


@org_view(*ADMINS)
@require_POST
def scale_default(request: HttpRequest, ctx: OrgContext, scale_id: int) -> HttpResponse:
    found = _scale_of(ctx, scale_id)
    try:
        scale_services.scale_set_default(organisation=ctx.organisation, actor=ctx.user, scale=found)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now the default scale.") % {"name": found.name})
    return _to_list(ctx)


@org_view(*ADMINS)
@require_POST
def scale_delete(request: HttpRequest, ctx: OrgContext, scale_id: int) -> HttpResponse:
    found = _scale_of(ctx, scale_id)
    try:
        scale_services.scale_delete(organisation=ctx.organisation, actor=ctx.user, scale=found)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scale deleted: %(name)s") % {"name": found.name})
    return _to_list(ctx)


@org_view(*ADMINS)
def scale_mapping(
    request: HttpRequest, ctx: OrgContext, scale_id: int, target_id: int
) -> HttpResponse:
    """Each level of one scale → a level of another, proposed proportionally until saved."""
    source, target = _scale_of(ctx, scale_id), _scale_of(ctx, target_id)
    saved = ScaleMapping.objects.filter(source=source, target=target).first()
    table = saved.as_table() if saved else proposed_table(source.as_scale(), target.as_scale())
    error: ApplicationError | None = None
    if request.method == "POST":
        posted = {str(r["value"]): request.POST.get(f"table-{r['value']}") for r in source.levels}
        try:
            scale_services.scale_mapping_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                source=source,
                target=target,
                table=posted,
            )
        except ApplicationError as failure:
            error = failure
            table = {int(k): int(v) for k, v in posted.items() if v is not None and v.isdigit()}
        else:
            messages.success(request, _("Mapping saved."))
            return redirect("skills:scale", slug=ctx.organisation.slug, scale_id=source.pk)
    return render(
        request,
        "skills/scale_mapping.html",
        {
            "ctx": ctx,
            "source": source,
            "target": target,
            "saved": saved,
            "rows": [
                (row, table.get(int(row["value"])), f"table-{row['value']}")
                for row in source.levels
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(*ADMINS)
def skill_levels(request: HttpRequest, ctx: OrgContext, skill_id: int) -> HttpResponse:
    """What each level of the default scale means for one skill."""
    skill = selectors.skill_get(organisation=ctx.organisation, skill_id=skill_id)
    if skill is None:
        raise Http404("No such skill.")
    default = services.scale_default(organisation=ctx.organisation)
    error: ApplicationError | None = None
    if request.method == "POST":
        posted = {
            int(row["value"]): request.POST.get(f"descriptor-{row['value']}", "")
            for row in default.levels
        }
        try:
            scale_services.skill_descriptors_set(
                skill=skill, actor=ctx.user, descriptors=posted, scale=default
            )
        except ApplicationError as failure:
            error = failure
        else:
            messages.success(
                request, _("Level descriptors saved for %(label)s.") % {"label": skill.label}
            )
            return redirect("skills:skill_levels", slug=ctx.organisation.slug, skill_id=skill.pk)
    return render(
        request,
        "skills/skill_levels.html",
        {
            "ctx": ctx,
            "skill": skill,
            "scale": default,
            "rows": [
                (
                    row,
                    (skill.descriptors or {}).get(str(row["value"]), ""),
                    f"descriptor-{row['value']}",
                )
                for row in default.levels
            ],
            "error": error,
        },
        status=400 if error else 200,
    )
