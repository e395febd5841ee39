"""Skills pages: frameworks and search (admins), achievement alignments (issuers), job roles
(admins), a person's profile and gaps (any member, their own), the team matrix (managers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from microcred.skills import EvidenceKind, esco_package
from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role
from microcred_web.skills import (
    crosswalk_reads,
    endorsements,
    exports,
    importing,
    matrix,
    matrix_exports,
    matrix_views,
    recommending,
    selectors,
    services,
    skill_credentials,
    suggesting,
    wording,
)
from microcred_web.skills.models import Skill, SkillGroup

ADMINS = (Role.ADMIN,)
EDITORS = (Role.ISSUER, Role.ADMIN)
MANAGERS = (Role.MANAGER, Role.ADMIN)
MAX_ROWS = 50


def _upload_text(request: HttpRequest, name: str) -> str:
    upload = request.FILES.get(name)
    if upload is None:
        return ""
    if (upload.size or 0) > importing.MAX_UPLOAD_BYTES:
        raise ApplicationError("file_too_large", _("The file is larger than 50 MB."), name)
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ApplicationError("encoding", _("Save the file as UTF-8."), name) from exc


@org_view(*EDITORS)
@require_GET
def home(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Frameworks, groups and the skill search (issuers search to align; admins import)."""
    query = request.GET.get("q", "")
    skills = list(
        selectors.skills_with_filters(
            organisation=ctx.organisation,
            framework_id=request.GET.get("framework"),
            query=query,
        )[:MAX_ROWS]
    )
    context = {
        "ctx": ctx,
        "query": query,
        "skills": skills,
        "frameworks": selectors.framework_list(organisation=ctx.organisation),
        "groups": SkillGroup.objects.filter(organisation=ctx.organisation),
        "is_admin": ctx.has(Role.ADMIN),
        "esco_package": esco_package.package_available(),
    }
    if is_htmx(request):
        return render(request, "skills/partials/_results.html", context)
    return render(request, "skills/home.html", context)


def _back(ctx: OrgContext, name: str = "skills:home", **kwargs: Any) -> HttpResponse:
    response: HttpResponse = redirect(name, slug=ctx.organisation.slug, **kwargs)
    return response


@org_view(*ADMINS)
@require_POST
def import_case(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        result = importing.framework_import_case(
            organisation=ctx.organisation, actor=ctx.user, content=_upload_text(request, "file")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx)
    messages.success(
        request,
        ngettext(
            "%(name)s: %(created)d skill added, %(updated)d updated.",
            "%(name)s: %(created)d skills added, %(updated)d updated.",
            result.created,
        )
        % {"name": result.framework.name, "created": result.created, "updated": result.updated},
    )
    return _back(ctx)


@org_view(*ADMINS)
@require_POST
def import_esco(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return _esco_imported(
        request,
        ctx,
        lambda: importing.framework_import_esco(
            organisation=ctx.organisation,
            actor=ctx.user,
            skills_csv=_upload_text(request, "skills"),
            occupations_csv=_upload_text(request, "occupations"),
            relations_csv=_upload_text(request, "relations"),
        ),
    )


@org_view(*ADMINS)
@require_POST
def import_esco_package(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return _esco_imported(
        request,
        ctx,
        lambda: importing.framework_import_esco_package(
            organisation=ctx.organisation, actor=ctx.user
        ),
    )


def _esco_imported(
    request: HttpRequest, ctx: OrgContext, run: Callable[[], importing.ImportResult]
) -> HttpResponse:
    """Run an ESCO import and say what it did (or why it refused, nothing imported)."""
    try:
        result = run()
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx)
    messages.success(
        request,
        ngettext(
            "ESCO: %(created)d skill added, %(updated)d updated, %(roles)d roles.",
            "ESCO: %(created)d skills added, %(updated)d updated, %(roles)d roles.",
            result.created,
        )
        % {"created": result.created, "updated": result.updated, "roles": result.roles},
    )
    return _back(ctx)


@org_view(*ADMINS)
@require_POST
def skill_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    group = SkillGroup.objects.filter(
        organisation=ctx.organisation, pk=request.POST.get("group") or 0
    ).first()
    try:
        skill = services.skill_create(
            organisation=ctx.organisation,
            actor=ctx.user,
            label=request.POST.get("label", ""),
            description=request.POST.get("description", ""),
            code=request.POST.get("code", ""),
            alt_labels=request.POST.get("alt_labels", "").split(","),
            group=group,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx)
    messages.success(request, _("Skill added: %(label)s") % {"label": skill.label})
    return _back(ctx)


@org_view(*ADMINS)
@require_POST
def group_save(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    try:
        group = services.skill_group_save(
            organisation=ctx.organisation,
            actor=ctx.user,
            name=request.POST.get("name", ""),
            half_life_days=request.POST.get("half_life_days", ""),
        )
        skill_ids = [int(v) for v in request.POST.getlist("skill") if v.isdigit()]
        if skill_ids:
            services.skills_group_assign(
                organisation=ctx.organisation, actor=ctx.user, group=group, skill_ids=skill_ids
            )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(ctx)
    messages.success(request, _("Group saved: %(name)s") % {"name": group.name})
    return _back(ctx)


# --------------------------------------------------------------------------- alignments


@org_view(*EDITORS)
def alignments(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    """The achievement's skills with levels: search, add, change a level, remove."""
    achievement = achievement_selectors.achievement_get(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    if achievement is None:
        raise Http404("No such achievement.")
    error = ""
    if request.method == "POST":
        rows = [(s, request.POST.get(f"level-{s}", "")) for s in _chosen(request)]
        accepted = request.POST.get("accept", "")
        try:
            if accepted:  # one click on a suggestion
                suggesting.suggestion_accept(
                    achievement=achievement,
                    actor=ctx.user,
                    skill_id=accepted,
                    level=request.POST.get(f"suggested-level-{accepted}", ""),
                )
            else:
                services.alignment_set(achievement=achievement, actor=ctx.user, rows=rows)
        except ApplicationError as failure:
            error = failure.message
        else:
            messages.success(request, _("Skills saved."))
            return _back(ctx, "skills:alignments", achievement_id=achievement.pk)
    query = request.GET.get("q", "")
    scale = services.scale_default(organisation=ctx.organisation)
    aligned = selectors.alignments_of(organisation=ctx.organisation, achievement_id=achievement.pk)
    return render(
        request,
        "skills/alignments.html",
        {
            "ctx": ctx,
            "achievement": achievement,
            "alignments": aligned,
            "levels": scale.levels,
            "query": query,
            "found": _found(ctx, query, {a.skill_id for a in aligned}),
            "suggestions": suggesting.suggestions_for(
                organisation=ctx.organisation, achievement=achievement
            ),
            "error": error,
        },
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- roles


def _found(ctx: OrgContext, query: str, chosen: set[int]) -> list[Skill]:
    """Up to 20 search results to add, without the skills already chosen."""
    if not query.strip():
        return []
    found = selectors.skill_search(organisation=ctx.organisation, query=query)
    return list(found.exclude(pk__in=chosen)[:20])


def _chosen(request: HttpRequest) -> list[str]:
    """Skill ids posted (kept rows and ticked additions), without the ones marked removed."""
    ids = dict.fromkeys(request.POST.getlist("skill"))
    return [s for s in ids if s and request.POST.get(f"remove-{s}") is None]


def _requirements(request: HttpRequest) -> list[tuple[str, str, str]]:
    return [
        (s, request.POST.get(f"level-{s}", ""), request.POST.get(f"weight-{s}", "1"))
        for s in _chosen(request)
    ]


@org_view(*ADMINS)
def roles(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Job roles and who holds which (current role, target roles)."""
    if request.method == "POST":
        try:
            role = services.job_role_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return _back(ctx, "skills:roles")
        return _back(ctx, "skills:role", role_id=role.pk)
    people = org_selectors.membership_list(organisation=ctx.organisation, include_inactive=False)
    persons = selectors.person_roles_by_user(organisation=ctx.organisation)
    return render(
        request,
        "skills/roles.html",
        {
            "ctx": ctx,
            "roles": selectors.job_role_list(organisation=ctx.organisation),
            "people": [(m, persons.get(m.user_id)) for m in people],
        },
    )


@org_view(*ADMINS)
def role(request: HttpRequest, ctx: OrgContext, role_id: int) -> HttpResponse:
    job_role = selectors.job_role_get(organisation=ctx.organisation, role_id=role_id)
    if job_role is None:
        raise Http404("No such role.")
    error = ""
    if request.method == "POST":
        try:
            services.job_role_save(
                organisation=ctx.organisation,
                actor=ctx.user,
                role=job_role,
                name=request.POST.get("name", job_role.name),
                description=request.POST.get("description", job_role.description),
                requirements=_requirements(request),
            )
        except ApplicationError as failure:
            error = failure.message
        else:
            messages.success(request, _("Role saved."))
            return _back(ctx, "skills:role", role_id=job_role.pk)
    query = request.GET.get("q", "")
    scale = services.scale_default(organisation=ctx.organisation)
    return render(
        request,
        "skills/role.html",
        {
            "ctx": ctx,
            "role": job_role,
            "requirements": [
                (r, selectors.level_descriptor(scale, r.skill, r.level))
                for r in job_role.requirements.all()
            ],
            "levels": scale.levels,
            "query": query,
            "found": _found(ctx, query, {r.skill_id for r in job_role.requirements.all()}),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(*ADMINS)
@require_POST
def person_role(request: HttpRequest, ctx: OrgContext, user_id: int) -> HttpResponse:
    membership = (
        org_selectors.membership_list(organisation=ctx.organisation, include_inactive=False)
        .filter(user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404("No such person.")
    current = selectors.job_role_get(
        organisation=ctx.organisation, role_id=request.POST.get("current", "")
    )
    targets = [
        r
        for value in request.POST.getlist("targets")
        if (r := selectors.job_role_get(organisation=ctx.organisation, role_id=value))
    ]
    try:
        services.person_role_set(
            organisation=ctx.organisation,
            actor=ctx.user,
            user=membership.user,
            current=current,
            targets=targets,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Roles saved for %(name)s.") % {"name": membership.user})
    return _back(ctx, "skills:roles")


# --------------------------------------------------------------------------- people


@org_view()
@require_GET
def mine(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The signed-in member's own profile, with each skill's evidence trail."""
    lines = selectors.profile_lines(organisation=ctx.organisation, user=ctx.user)
    shown = endorsements.visibilities_of(organisation=ctx.organisation, user_ids=[ctx.user.pk])
    return render(
        request,
        "skills/mine.html",
        {
            "ctx": ctx,
            "lines": [
                {
                    "line": line,
                    "kind": wording.kind_label(line.state.kind),
                    "assessed": line.state.kind == EvidenceKind.ASSESSED_RESULT,
                    "freshness": wording.freshness_label(line.state),
                    "trail": wording.trail_rows(line.state),
                    "visibility": shown.get((ctx.user.pk, line.skill.pk), "private"),
                }
                for line in lines
            ],
            "recommended": recommending.recommendations_for(
                organisation=ctx.organisation, user=ctx.user, limit=3
            ),
            "assessed": skill_credentials.assessed_skills(
                organisation=ctx.organisation, user=ctx.user
            ),
            "levels": services.scale_default(organisation=ctx.organisation).levels,
        },
    )


@org_view()
@require_GET
def mine_export(request: HttpRequest, ctx: OrgContext, fmt: str) -> HttpResponse:
    """The member's own profile as JSON or CSV (with each skill's evidence in JSON)."""
    lines = selectors.profile_lines(organisation=ctx.organisation, user=ctx.user)
    name = f"skills-{ctx.organisation.slug}"
    if fmt == "json":
        data = exports.profile_json(
            lines, person=ctx.user.email, organisation=ctx.organisation.name
        )
        response: HttpResponse = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    if fmt == "csv":
        response = HttpResponse(exports.profile_csv(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    raise Http404("No such format.")


@org_view()
@require_GET
def gaps(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The member's gaps against their current role and target roles."""
    return render(
        request,
        "skills/gaps.html",
        {
            "ctx": ctx,
            "views": selectors.gaps_of(organisation=ctx.organisation, user=ctx.user),
            "scale": selectors.default_scale(organisation=ctx.organisation),
        },
    )


def _team_matrix(request: HttpRequest, ctx: OrgContext) -> dict[str, Any]:
    """The teams a manager manages (admins: every team), filtered by team, current role, skill
    group and skill words; rows sorted by person, gaps or a skill's level; coverage at the
    bench level chosen (default 3)."""
    if ctx.has(Role.ADMIN):
        teams = list(org_selectors.team_list(organisation=ctx.organisation))
    else:
        teams = list(org_selectors.teams_managed_by(membership=ctx.membership))
    shown = teams
    chosen = request.GET.get("team", "")
    if chosen.isdigit():
        shown = [t for t in teams if t.pk == int(chosen)] or teams
    role_id, group_id = request.GET.get("role", ""), request.GET.get("group", "")
    found = selectors.team_matrix(
        organisation=ctx.organisation,
        teams=shown,
        role_id=int(role_id) if role_id.isdigit() else None,
        group_id=int(group_id) if group_id.isdigit() else None,
    )
    skill_query = request.GET.get("skill", "")[:200]
    sort, order = request.GET.get("sort", "person"), request.GET.get("order", "")
    descending = order == "desc" or (order != "asc" and sort != "person")
    found = endorsements.matrix_masked(found, organisation=ctx.organisation, viewer=ctx.user)
    found = matrix.filter_skills(found, query=skill_query)
    found = matrix.sort_rows(found, key=sort, descending=descending)
    scale = services.scale_default(organisation=ctx.organisation)
    levels = [int(row["value"]) for row in scale.levels]
    raw_level = request.GET.get("level", "")
    level = int(raw_level) if raw_level.isdigit() and int(raw_level) in levels else 3
    if level not in levels:
        level = levels[len(levels) // 2]
    coverage = matrix.team_coverage(found, levels=levels)
    return {
        "teams": teams,
        "chosen": chosen,
        "chosen_role": role_id,
        "chosen_group": group_id,
        "skill_query": skill_query,
        "sort": sort,
        "descending": descending,
        "levels": levels,
        "level": level,
        "matrix": found,
        "coverage": coverage,
    }


@org_view(*MANAGERS)
@require_GET
def team(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """People × skills for the teams a manager manages (admins: every team): a sortable,
    filterable heatmap, coverage and bench strength as a chart with its data table."""
    data = _team_matrix(request, ctx)
    return render(
        request,
        "skills/team.html",
        {
            "ctx": ctx,
            **data,
            **matrix_views.team_page(data),
            "roles": selectors.job_role_list(organisation=ctx.organisation),
            "groups": SkillGroup.objects.filter(organisation=ctx.organisation),
        },
    )


@org_view(*MANAGERS)
@require_GET
def team_export(request: HttpRequest, ctx: OrgContext, fmt: str) -> HttpResponse:
    """The matrix shown (same filters) and its coverage as CSV or XLSX."""
    data = _team_matrix(request, ctx)
    name = f"skills-matrix-{ctx.organisation.slug}"
    args = (data["matrix"], data["coverage"])
    if fmt == "csv":
        body = matrix_exports.matrix_csv(*args, level=data["level"])
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            matrix_exports.matrix_xlsx(*args, level=data["level"]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("No such format.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def public(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An organisation's own skill at its stable address (what ``targetUrl`` points at)."""
    skill = selectors.skill_public(public_id=public_id)
    if skill is None:
        raise Http404("No such skill.")
    scale = selectors.default_scale(organisation=skill.organisation)
    levels = [
        (row, selectors.level_descriptor(scale, skill, int(row["value"])))
        for row in (scale.levels if scale else [])
    ]
    # confirmed crosswalks: the same skill (or a related one) in other frameworks, by address
    matches = crosswalk_reads.confirmed_matches(organisation=skill.organisation, skill=skill)
    return render(
        request,
        "skills/public.html",
        {
            "skill": skill,
            "levels": levels,
            "exact": [m.skill for m in matches if m.relation == "exact"],
            "related": [m.skill for m in matches if m.relation != "exact"],
        },
    )
