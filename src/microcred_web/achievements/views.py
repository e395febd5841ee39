"""Achievement pages: organisation pages (org_view) and the public achievement document."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred.model.eu_elements import with_published_terms
from microcred_web.achievements import selectors, services
from microcred_web.achievements.eu_words import skill_alignments
from microcred_web.achievements.forms import (
    ALIGNMENT_KEYS,
    AchievementForm,
    initial_for,
    rows_from_post,
    translations_from_post,
)
from microcred_web.achievements.localised import localised_texts
from microcred_web.achievements.markdown import render_markdown
from microcred_web.achievements.models import (
    Achievement,
    AchievementStatus,
    AchievementType,
    AchievementVersion,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

EDITORS = (Role.ISSUER, Role.ADMIN)


def _achievement_or_404(ctx: OrgContext, achievement_id: int) -> Achievement:
    achievement = selectors.achievement_get(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    if achievement is None:
        raise Http404("No such achievement.")
    return achievement


@org_view(*EDITORS)
def achievement_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in AchievementStatus.values:
        status = ""
    search = request.GET.get("q", "")[:100]
    achievements = selectors.achievement_list(
        organisation=ctx.organisation, status=status, search=search
    ).annotate(issued_count=Count("versions__credentials"))
    counts = dict(
        selectors.achievement_list(organisation=ctx.organisation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "achievements/list.html",
        {
            "ctx": ctx,
            "achievements": achievements,
            "status": status,
            "search": search,
            "statuses": AchievementStatus.choices,
            "total": sum(counts.values()),
            "filtered": bool(status or search),
        },
    )


def _form_context(
    ctx: OrgContext,
    form: AchievementForm,
    alignments: list[dict[str, str]],
    translations: dict[str, dict[str, str]],
    achievement: Achievement | None,
) -> dict[str, Any]:
    rows = [*alignments, {key: "" for key in ALIGNMENT_KEYS}]
    translation_rows = [{"language": k, **v} for k, v in translations.items()]
    translation_rows.append(
        {"language": "", "name": "", "description": "", "criteria": "", "learning_outcomes": ""}
    )
    return {
        "ctx": ctx,
        "form": form,
        "alignment_rows": rows,
        "translation_rows": translation_rows,
        "achievement": achievement,
    }


def _save(request: HttpRequest, ctx: OrgContext, achievement: Achievement | None) -> HttpResponse:
    if achievement is None:
        initial: dict[str, Any] = {
            "language": ctx.organisation.default_language or "en",
            "expiry_policy": "none",
        }
        alignments: list[dict[str, str]] = []
        translations: dict[str, dict[str, str]] = {}
    else:
        initial = initial_for(achievement)
        alignments = list(achievement.alignments or [])
        translations = dict(achievement.translations or {})
    form = AchievementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        alignments = [
            row
            for row in rows_from_post(request.POST, "alignment", ALIGNMENT_KEYS)
            if any(v.strip() for v in row.values())
        ]
        translations = translations_from_post(request.POST)
        if form.is_valid():
            values = {**form.values(), "alignments": alignments, "translations": translations}
            image = form.cleaned_data.get("image")
            try:
                if achievement is None:
                    achievement = services.achievement_create(
                        organisation=ctx.organisation, actor=ctx.user, values=values, image=image
                    )
                    messages.success(request, _("Achievement created as a draft."))
                else:
                    before = achievement.current_version_id
                    achievement = services.achievement_update(
                        achievement=achievement,
                        actor=ctx.user,
                        values=values,
                        image=image,
                        remove_image=bool(form.cleaned_data.get("remove_image")),
                    )
                    if achievement.current_version_id != before:
                        messages.success(
                            request,
                            _("Saved as version %(n)d. Credentials already issued keep theirs.")
                            % {"n": achievement.current_version.number},  # type: ignore[union-attr]
                        )
                    else:
                        messages.success(request, _("Saved."))
            except ApplicationError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
            else:
                return redirect(
                    "achievements:detail", slug=ctx.organisation.slug, achievement_id=achievement.pk
                )
    return render(
        request,
        "achievements/form.html",
        _form_context(ctx, form, alignments, translations, achievement),
        status=400 if form.errors else 200,
    )


@org_view(*EDITORS)
def achievement_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return _save(request, ctx, None)


@org_view(*EDITORS)
def achievement_edit(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    return _save(request, ctx, _achievement_or_404(ctx, achievement_id))


@org_view(*EDITORS)
def alignment_row(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    """HTMX: one more empty skill-alignment row."""
    return render(
        request,
        "achievements/partials/_alignment_row.html",
        {"row": {key: "" for key in ALIGNMENT_KEYS}},
    )


def _eu_elements(achievement: Achievement) -> list[tuple[str, Any, bool]]:
    """The EU micro-credential elements that are filled in: (label, value, is a list)."""
    elements: list[tuple[str, Any, bool]] = []
    for name in AchievementForm.EU_FIELDS:
        value = getattr(achievement, name)
        if value in (None, ""):
            continue
        label = str(AchievementForm.base_fields[name].label)
        if name in {"learning_outcomes", "prerequisites"}:
            lines = [line.strip() for line in str(value).splitlines() if line.strip()]
            elements.append((label, lines, True))
        else:
            elements.append((label, value, False))
    return elements


@org_view(*EDITORS)
def achievement_detail(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    achievement = _achievement_or_404(ctx, achievement_id)
    return render(
        request,
        "achievements/detail.html",
        {
            "ctx": ctx,
            "achievement": achievement,
            "criteria_html": render_markdown(achievement.criteria),
            "versions": achievement.versions.annotate(issued_count=Count("credentials")),
            "eu_elements": _eu_elements(achievement),
            "translations": sorted((achievement.translations or {}).items()),
        },
    )


@org_view(*EDITORS)
@require_POST
def achievement_publish(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    achievement = _achievement_or_404(ctx, achievement_id)
    version = services.achievement_publish(achievement=achievement, actor=ctx.user)
    messages.success(request, _("Published (version %(n)d).") % {"n": version.number})
    return redirect(
        "achievements:detail", slug=ctx.organisation.slug, achievement_id=achievement.pk
    )


@org_view(*EDITORS)
@require_POST
def achievement_archive(request: HttpRequest, ctx: OrgContext, achievement_id: int) -> HttpResponse:
    achievement = _achievement_or_404(ctx, achievement_id)
    services.achievement_archive(achievement=achievement, actor=ctx.user)
    messages.success(request, _("Archived: it can no longer be issued."))
    return redirect(
        "achievements:detail", slug=ctx.organisation.slug, achievement_id=achievement.pk
    )


# --------------------------------------------------------------------------- public


#: what a client may ask for at an achievement's address; the first wins a tie (``*/*``)
PUBLIC_TYPES = ["application/json", "application/ld+json", "text/html"]


@require_GET
def public_version(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    """The OB 3.0 Achievement of a version (its ``id`` dereferences here): JSON for machines,
    a page for browsers (content negotiation on ``Accept``)."""
    version = selectors.achievement_version_public(public_id=public_id, number=number)
    if version is None:
        raise Http404("No such achievement.")
    # versions frozen with the former EU extension terms are shown in published terms (0022)
    document = with_published_terms(version.achievement_json)
    wants_page = request.get_preferred_type(PUBLIC_TYPES) == "text/html"
    if wants_page and request.GET.get("format") != "json":
        response = render(
            request, "achievements/public.html", public_page_context(version, document)
        )
    else:
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Access-Control-Allow-Origin"] = "*"
    patch_vary_headers(response, ["Accept"])
    return response


def public_page_context(version: AchievementVersion, document: dict[str, Any]) -> dict[str, Any]:
    """What the public page of an achievement version shows, in the visitor's language."""
    achievement = version.achievement
    texts = localised_texts(document, achievement.translations)
    credits = document.get("creditsAvailable")
    return {
        "version": version,
        "achievement": achievement,
        "organisation": achievement.organisation,
        "texts": texts,
        "criteria_html": render_markdown(texts["criteria"]),
        "skills": skill_alignments(document),
        "credits": credits,
        "credit_system": achievement.credit_system.strip(),
        "type_label": AchievementType(document["achievementType"]).label
        if document.get("achievementType") in AchievementType.values
        else "",
        "json_url": document.get("id", ""),
    }


@org_view(*EDITORS)
@require_GET
def achievement_image(
    request: HttpRequest, ctx: OrgContext, achievement_id: int
) -> HttpResponseBase:
    """The working copy's image (a draft's, or an edit not published yet), for its editors."""
    achievement = _achievement_or_404(ctx, achievement_id)
    if not achievement.image or not achievement.image.storage.exists(achievement.image.name):
        raise Http404("No image.")
    response = FileResponse(achievement.image.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def public_image(request: HttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    version = selectors.achievement_version_public(public_id=public_id, number=number)
    if version is None or not version.image:
        raise Http404("No image.")
    storage = version.achievement.image.storage
    if not storage.exists(version.image):
        raise Http404("No image.")
    response = FileResponse(storage.open(version.image, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
