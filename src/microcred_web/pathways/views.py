"""Pathway pages: the public catalogue and pathway page, enrolment and the learner's map
(members), and the editor (issuers, admins). Every page is scoped to the organisation in its
address: another organisation's pathway is a 404 everywhere."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred_web.achievements import selectors as achievement_selectors
from microcred_web.achievements.models import Achievement
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs import selectors as org_selectors
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Organisation, Role
from microcred_web.pathways import recognition, selectors, services
from microcred_web.pathways.models import Pathway
from microcred_web.pathways.skills_built import skills_built

EDITORS = (Role.ISSUER, Role.ADMIN)


def _kinds() -> list[tuple[str, str]]:
    return [
        ("required", _("Every one of these")),
        ("elective", _("Any N of these")),
        ("credit", _("A number of credits from these")),
    ]


# ----------------------------------------------------------------------------- public


def _public_org(slug: str) -> Organisation:
    organisation = selectors.organisation_public(slug=slug)
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def _member(request: HttpRequest, organisation: Organisation) -> bool:
    return org_selectors.membership_for(slug=organisation.slug, user=request.user) is not None


def _overview(organisation: Organisation, definition: Any) -> selectors.Overview:
    """The overview with the skills the pathway builds."""
    return replace(
        selectors.overview(definition),
        skills=skills_built(organisation=organisation, definition=definition),
    )


@require_GET
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's published pathways, for anyone."""
    organisation = _public_org(slug)
    cards = [
        (pathway, _overview(organisation, pathway.published_version.definition))
        for pathway in selectors.pathway_catalogue(organisation=organisation)
        if pathway.published_version is not None
    ]
    return render(
        request,
        "pathways/catalogue.html",
        {"organisation": organisation, "cards": cards, "member": _member(request, organisation)},
    )


@require_GET
def detail(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    """One published pathway: what it asks, its credit, what it leads to; enrol or see the map."""
    organisation = _public_org(slug)
    pathway = selectors.pathway_published_get(organisation=organisation, public_id=public_id)
    if pathway is None or pathway.published_version is None:
        raise Http404("No such pathway.")
    return render(
        request,
        "pathways/detail.html",
        {
            "organisation": organisation,
            "pathway": pathway,
            "overview": _overview(organisation, pathway.published_version.definition),
            "member": _member(request, organisation),
            "enrolment": selectors.enrolment_get(pathway=pathway, user=request.user),
        },
    )


# ----------------------------------------------------------------------------- learners


def _published_or_404(ctx: OrgContext, public_id: Any) -> Pathway:
    pathway = selectors.pathway_published_get(organisation=ctx.organisation, public_id=public_id)
    if pathway is None:
        raise Http404("No such pathway.")
    return pathway


@org_view()
@require_POST
def enrol(request: HttpRequest, ctx: OrgContext, public_id: Any) -> HttpResponse:
    pathway = _published_or_404(ctx, public_id)
    services.pathway_enrol(pathway=pathway, user=ctx.user)
    messages.success(request, _("You are enrolled. Here is your pathway."))
    return redirect("pathways:map", slug=ctx.organisation.slug, public_id=pathway.public_id)


@org_view()
@require_GET
def learner_map(request: HttpRequest, ctx: OrgContext, public_id: Any) -> HttpResponse:
    pathway = _published_or_404(ctx, public_id)
    enrolment = selectors.enrolment_get(pathway=pathway, user=ctx.user)
    if enrolment is None:
        return redirect("pathways:detail", slug=ctx.organisation.slug, public_id=pathway.public_id)
    view = selectors.learner_map(enrolment=enrolment)
    return render(
        request,
        "pathways/map.html",
        {
            "ctx": ctx,
            "pathway": pathway,
            "map": view,
            "recognised": recognition.map_recognition(
                enrolment=enrolment, definition=view.definition
            ),
        },
    )


@org_view()
@require_GET
def mine(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """The pathways the member is enrolled in, with their progress."""
    maps = [
        selectors.learner_map(enrolment=enrolment)
        for enrolment in selectors.enrolments_of(organisation=ctx.organisation, user=ctx.user)
    ]
    return render(request, "pathways/mine.html", {"ctx": ctx, "maps": maps})


# ----------------------------------------------------------------------------- editors


def _pathway_or_404(ctx: OrgContext, pathway_id: int) -> Pathway:
    pathway = selectors.pathway_get(organisation=ctx.organisation, pathway_id=pathway_id)
    if pathway is None:
        raise Http404("No such pathway.")
    return pathway


def _achievement(ctx: OrgContext, raw: str) -> Achievement:
    try:
        achievement_id = int(raw)
    except (TypeError, ValueError) as error:
        raise ApplicationError("achievement", _("Choose an achievement."), "achievement") from error
    achievement = achievement_selectors.achievement_get(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    if achievement is None:
        raise ApplicationError("achievement", _("Choose an achievement."), "achievement")
    return achievement


def _number(raw: str | None, field: str) -> float:
    try:
        return float(raw or 0)
    except ValueError as error:
        raise ApplicationError(field, _("Enter a number."), field) from error


@org_view(*EDITORS)
def manage(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """Every pathway of the organisation, and a form to start one."""
    error = ""
    if request.method == "POST":
        try:
            pathway = services.pathway_create(
                organisation=ctx.organisation,
                actor=ctx.user,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                goal=_achievement(ctx, request.POST.get("goal", "")),
            )
        except ApplicationError as failure:
            error = failure.message
        else:
            return redirect("pathways:editor", slug=ctx.organisation.slug, pathway_id=pathway.pk)
    return render(
        request,
        "pathways/manage.html",
        {
            "ctx": ctx,
            "pathways": selectors.pathway_list(organisation=ctx.organisation),
            "achievements": achievement_selectors.achievement_list(organisation=ctx.organisation),
            "error": error,
        },
        status=400 if error else 200,
    )


def _editor(
    request: HttpRequest, ctx: OrgContext, pathway: Pathway, error: str = ""
) -> HttpResponse:
    version = selectors.draft_get(pathway=pathway) or pathway.published_version
    if version is None:
        version = services.pathway_draft(pathway=pathway)
    return render(
        request,
        "pathways/editor.html",
        {
            "ctx": ctx,
            "editor": selectors.editor_view(pathway=pathway, version=version),
            "kinds": _kinds(),
            "error": error,
            "definition_text": json.dumps(version.definition_json, indent=2, ensure_ascii=False),
            "recognitions": recognition.recognitions_of(pathway=pathway),
        },
        status=400 if error else 200,
    )


@org_view(*EDITORS)
@require_GET
def editor(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    return _editor(request, ctx, _pathway_or_404(ctx, pathway_id))


def _apply(request: HttpRequest, ctx: OrgContext, pathway: Pathway) -> None:
    post = request.POST
    op = post.get("op", "")
    if op == "add_step":
        services.pathway_step_add(
            pathway=pathway,
            actor=ctx.user,
            title=post.get("title", ""),
            kind=post.get("kind", ""),
            achievements=[_achievement(ctx, raw) for raw in post.getlist("items")],
            n=int(_number(post.get("n"), "n")),
            system=post.get("system", ""),
            target=_number(post.get("target"), "target"),
            requires=post.getlist("requires"),
        )
    elif op == "remove_step":
        services.pathway_step_remove(pathway=pathway, actor=ctx.user, step_id=post.get("step", ""))
    elif op in ("up", "down"):
        services.pathway_step_move(
            pathway=pathway,
            actor=ctx.user,
            step_id=post.get("step", ""),
            offset=-1 if op == "up" else 1,
        )
    elif op == "add_milestone":
        services.pathway_milestone_add(
            pathway=pathway,
            actor=ctx.user,
            title=post.get("title", ""),
            achievement=_achievement(ctx, post.get("achievement", "")),
            after=post.getlist("after"),
        )
    elif op == "remove_milestone":
        services.pathway_milestone_remove(
            pathway=pathway, actor=ctx.user, milestone_id=post.get("milestone", "")
        )
    elif op == "replace":
        try:
            data = json.loads(post.get("definition", ""))
        except ValueError as error:
            raise ApplicationError("json", _("That is not JSON."), "definition") from error
        services.pathway_definition_replace(pathway=pathway, actor=ctx.user, data=data)
    else:
        raise ApplicationError("op", _("Unknown change."), "op")


@org_view(*EDITORS)
@require_POST
def edit(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    pathway = _pathway_or_404(ctx, pathway_id)
    try:
        _apply(request, ctx, pathway)
    except ApplicationError as failure:
        return _editor(request, ctx, pathway, failure.message)
    messages.success(request, _("Draft saved."))
    return redirect("pathways:editor", slug=ctx.organisation.slug, pathway_id=pathway.pk)


@org_view(*EDITORS)
@require_POST
def publish(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    pathway = _pathway_or_404(ctx, pathway_id)
    try:
        version = services.pathway_publish(pathway=pathway, actor=ctx.user)
    except ApplicationError as failure:
        return _editor(request, ctx, pathway, failure.message)
    messages.success(
        request,
        _("Version %(number)s is published; its milestones and goal now issue automatically.")
        % {"number": version.number},
    )
    return redirect("pathways:editor", slug=ctx.organisation.slug, pathway_id=pathway.pk)
