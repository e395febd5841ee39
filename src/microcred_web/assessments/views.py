"""Assessment pages for learners (evidence, drafts, submit, dispute, countersign), reviewers
(queue, review, moderation) and the evidence files, served only to those allowed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.assessments import recertification, selectors, services
from microcred_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    Decision,
    RequirementKind,
)
from microcred_web.assessments.referees import referee_requests_of
from microcred_web.assessments.submission_diff import latest_changes
from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

REVIEWERS = (Role.ASSESSOR, Role.ADMIN)


def _mine(ctx: OrgContext, assessment_id: int) -> Assessment:
    assessment = selectors.assessment_for_learner(
        organisation=ctx.organisation, user=ctx.user, assessment_id=assessment_id
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def _reviewable(ctx: OrgContext, assessment_id: int) -> Assessment:
    assessment = selectors.assessment_for_reviewer(
        organisation=ctx.organisation,
        user=ctx.user,
        is_admin=ctx.has(Role.ADMIN),
        assessment_id=assessment_id,
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def _criteria_rows(
    assessment: Assessment, reflections: dict[str, str], posted: Any = None
) -> list[dict[str, Any]]:
    """One row per criterion; ``posted`` (a refused review) keeps what the assessor chose."""
    posted = posted or {}
    return [
        {
            "criterion": c,
            "key": str(c.public_id),
            "reflection": reflections.get(str(c.public_id), ""),
            "levels": list(c.levels.all()),
            "picked": posted.get(f"level-{c.public_id}", ""),
            "feedback": posted.get(f"feedback-{c.public_id}", ""),
        }
        for c in assessment.requirement.criteria.prefetch_related("levels")
    ]


def _versions(assessment: Assessment) -> list[Any]:
    """The submissions, each with ``reflection_rows`` (criterion title, text) to show."""
    criteria = list(assessment.requirement.criteria.all())
    submissions = list(assessment.submissions.prefetch_related("files"))
    for submission in submissions:
        submission.reflection_rows = [  # type: ignore[attr-defined]
            (c.title, submission.reflections.get(str(c.public_id), "")) for c in criteria
        ]
    return submissions


def _history(assessment: Assessment) -> list[dict[str, Any]]:
    reviews = selectors.decision_trail(assessment)
    criteria = {str(c.public_id): c for c in assessment.requirement.criteria.all()}
    levels = {str(level.public_id): level for c in criteria.values() for level in c.levels.all()}
    rows = []
    for review in reviews:
        rows.append(
            {
                "review": review,
                "items": [
                    {
                        "criterion": criteria.get(key),
                        "level": levels.get(value),
                        "met": value == "met",
                        "raw": value,
                        "feedback": review.feedback.get(key, ""),
                    }
                    for key, value in review.levels.items()
                ],
            }
        )
    return rows


# --------------------------------------------------------------------------- learner


@org_view(Role.LEARNER)
def my_evidence(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    now = timezone.now()
    mine = list(selectors.assessments_of_learner(organisation=ctx.organisation, user=ctx.user))
    started = {a.requirement_id for a in mine}
    credentials = list(selectors.credentials_of(organisation=ctx.organisation, user=ctx.user))
    chains = []
    shown: set[int] = set()
    for credential in credentials:
        if credential.pk in shown:
            continue
        _previous, following = selectors.supersession(credential)
        if following is not None:
            continue  # shown in the chain of its renewal
        chain = recertification.credential_chain(credential)
        shown.update(c.pk for c in chain)
        chains.append([{"credential": c, "status": c.status_at(now)} for c in chain])
    return render(
        request,
        "assessments/my_evidence.html",
        {
            "ctx": ctx,
            "assessments": mine,
            "available": [
                r
                for r in selectors.requirements_open_to_learners(organisation=ctx.organisation)
                if r.pk not in started
            ],
            "chains": chains,
            "cases": selectors.recertification_cases_of(
                organisation=ctx.organisation, user=ctx.user
            ),
        },
    )


@org_view(Role.LEARNER)
@require_POST
def evidence_start(request: HttpRequest, ctx: OrgContext, requirement_id: int) -> HttpResponse:
    requirement = (
        selectors.requirements_open_to_learners(organisation=ctx.organisation)
        .filter(pk=requirement_id)
        .first()
    )
    if requirement is None:
        raise Http404("No such requirement.")
    assessment = services.assessment_start(requirement=requirement, learner=ctx.user)
    return redirect(
        "assessments:evidence_detail", slug=ctx.organisation.slug, assessment_id=assessment.pk
    )


def _indexed(post: Any, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for number in range(20):
        row = {key: post.get(f"{prefix}-{number}-{key}", "") for key in keys}
        if any(row.values()):
            rows.append(row)
    return rows


@org_view(Role.LEARNER)
def evidence_detail(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _mine(ctx, assessment_id)
    error: ApplicationError | None = None
    if request.method == "POST":
        reflections = {
            key.removeprefix("reflection-"): value
            for key, value in request.POST.dict().items()
            if key.startswith("reflection-")
        }
        try:
            services.assessment_draft_save(
                assessment=assessment,
                actor=ctx.user,
                reflections=reflections,
                links=_indexed(request.POST, "link", ("url", "title")),
                prior_learning=request.POST.get("prior_learning", ""),
                referees=_indexed(request.POST, "referee", ("name", "role", "email", "statement")),
                make_public=request.POST.get("make_public") == "on",
            )
            if request.POST.get("action") == "submit":
                services.assessment_submit(assessment=assessment, actor=ctx.user)
                messages.success(request, _("Your evidence is submitted for assessment."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(
                "assessments:evidence_detail",
                slug=ctx.organisation.slug,
                assessment_id=assessment.pk,
            )
        except ApplicationError as exc:
            error = exc
            assessment.refresh_from_db()
    editable = assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.NOT_YET)
    links = list(assessment.draft_links) + [{"url": "", "title": ""}] * 2
    referees = [*list(assessment.referees), {"name": "", "role": "", "email": "", "statement": ""}]
    return render(
        request,
        "assessments/evidence_detail.html",
        {
            "ctx": ctx,
            "assessment": assessment,
            "requirement": assessment.requirement,
            "is_rpl": assessment.requirement.kind == RequirementKind.RPL,
            "is_observation": assessment.requirement.kind == RequirementKind.OBSERVATION,
            "editable": editable,
            "rows": _criteria_rows(assessment, assessment.draft_reflections),
            "links": links,
            "referees": referees,
            "referee_requests": referee_requests_of(assessment),
            "files": list(assessment.files.filter(in_draft=True)),
            "submissions": _versions(assessment),
            "history": _history(assessment),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(Role.LEARNER)
@require_POST
def evidence_upload(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _mine(ctx, assessment_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ApplicationError("required", _("Choose a file."), "file")
        services.evidence_file_add(assessment=assessment, actor=ctx.user, upload=upload)
        messages.success(request, _("File added."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(
        "assessments:evidence_detail", slug=ctx.organisation.slug, assessment_id=assessment.pk
    )


@org_view(Role.LEARNER)
@require_POST
def evidence_file_remove(
    request: HttpRequest, ctx: OrgContext, assessment_id: int, file_id: int
) -> HttpResponse:
    assessment = _mine(ctx, assessment_id)
    evidence = assessment.files.filter(pk=file_id, in_draft=True).first()
    if evidence is None:
        raise Http404("No such file.")
    services.evidence_file_remove(evidence=evidence, actor=ctx.user)
    return redirect(
        "assessments:evidence_detail", slug=ctx.organisation.slug, assessment_id=assessment.pk
    )


@org_view(Role.LEARNER)
@require_POST
def evidence_dispute(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _mine(ctx, assessment_id)
    try:
        services.assessment_dispute(
            assessment=assessment, actor=ctx.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("A second assessor will look at this decision."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(
        "assessments:evidence_detail", slug=ctx.organisation.slug, assessment_id=assessment.pk
    )


@org_view(Role.LEARNER)
@require_POST
def evidence_countersign(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _mine(ctx, assessment_id)
    try:
        services.observation_countersign(assessment=assessment, actor=ctx.user)
        messages.success(request, _("Countersigned."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(
        "assessments:evidence_detail", slug=ctx.organisation.slug, assessment_id=assessment.pk
    )


@org_view()
@require_GET
def evidence_file(request: HttpRequest, ctx: OrgContext, file_id: UUID) -> HttpResponseBase:
    """Only the learner, the assigned assessor/moderator and admins; others get a 404. Always
    a download, never rendered by the browser."""
    evidence = selectors.evidence_file_for(
        organisation=ctx.organisation,
        user=ctx.user,
        is_admin=ctx.has(Role.ADMIN),
        public_id=file_id,
    )
    if evidence is None:
        raise Http404("No such file.")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- reviewers


@org_view(*REVIEWERS)
def queue(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    now = timezone.now()
    achievement = request.GET.get("achievement", "")
    filters: dict[str, Any] = {
        "achievement_id": int(achievement) if achievement.isdigit() else None,
        "learner": request.GET.get("learner", "")[:100],
        "status": request.GET.get("status", ""),
        "due": request.GET.get("due", ""),
    }
    items = list(
        selectors.assessment_queue(
            organisation=ctx.organisation,
            user=ctx.user,
            is_admin=ctx.has(Role.ADMIN),
            now=now,
            **filters,
        )[:200]
    )
    return render(
        request,
        "assessments/queue.html",
        {
            "ctx": ctx,
            "items": [
                {
                    "a": a,
                    "overdue": a.due_at is not None
                    and a.due_at < now
                    and a.status in ("submitted", "moderation"),
                }
                for a in items
            ],
            "filters": filters,
            "filtered": any(filters.values()),
            "achievements": Achievement.objects.filter(
                organisation=ctx.organisation, requirements__isnull=False
            ).distinct(),
            "statuses": AssessmentStatus.choices,
        },
    )


def _people_with(ctx: OrgContext, *roles: str) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation=ctx.organisation,
            memberships__is_active=True,
            memberships__roles__role__in=roles,
        )
        .distinct()
        .order_by("display_name", "email")
    )


@org_view(*REVIEWERS)
def review(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _reviewable(ctx, assessment_id)
    error: ApplicationError | None = None
    if request.method == "POST":
        levels = {
            key.removeprefix("level-"): value
            for key, value in request.POST.dict().items()
            if key.startswith("level-")
        }
        feedback = {
            key.removeprefix("feedback-"): value
            for key, value in request.POST.dict().items()
            if key.startswith("feedback-")
        }
        try:
            services.assessment_review(
                assessment=assessment,
                actor=ctx.user,
                decision=request.POST.get("decision", ""),
                levels=levels,
                feedback=feedback,
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Decision recorded."))
            return redirect("assessments:queue", slug=ctx.organisation.slug)
        except ApplicationError as exc:
            error = exc
    versions = _versions(assessment)
    latest = versions[-1] if versions else None
    is_moderator = assessment.moderator_id == ctx.user.pk
    return render(
        request,
        "assessments/review.html",
        {
            "ctx": ctx,
            "assessment": assessment,
            "latest": latest,
            "rows": _criteria_rows(
                assessment, latest.reflections if latest else {}, request.POST if error else None
            ),
            "posted": request.POST if error else {},
            "submissions": versions,
            "changes": latest_changes(versions),
            "history": _history(assessment),
            "referee_requests": referee_requests_of(assessment),
            "can_review": assessment.assessor_id == ctx.user.pk
            and assessment.status == AssessmentStatus.SUBMITTED,
            "can_claim": assessment.assessor_id is None,
            "can_moderate": is_moderator and assessment.status == AssessmentStatus.MODERATION,
            "show_trail": is_moderator or ctx.has(Role.ADMIN),
            "is_admin": ctx.has(Role.ADMIN),
            "assessors": _people_with(ctx, Role.ASSESSOR, Role.ADMIN),
            "decisions": Decision.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(*REVIEWERS)
@require_POST
def assign(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _reviewable(ctx, assessment_id)
    people = {str(u.pk): u for u in _people_with(ctx, Role.ASSESSOR, Role.ADMIN)}
    try:
        if request.POST.get("claim"):
            services.assessment_assign(assessment=assessment, actor=ctx.user, assessor=ctx.user)
        else:
            services.assessment_assign(
                assessment=assessment,
                actor=ctx.user,
                assessor=people.get(request.POST.get("assessor", "")),
                moderator=people.get(request.POST.get("moderator", "")),
            )
        messages.success(request, _("Assignment saved."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("assessments:review", slug=ctx.organisation.slug, assessment_id=assessment.pk)


@org_view(*REVIEWERS)
@require_POST
def moderate(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _reviewable(ctx, assessment_id)
    try:
        services.assessment_moderate(
            assessment=assessment,
            actor=ctx.user,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Moderation recorded."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("assessments:review", slug=ctx.organisation.slug, assessment_id=assessment.pk)


@org_view(Role.ADMIN)
@require_POST
def moderation_request(request: HttpRequest, ctx: OrgContext, assessment_id: int) -> HttpResponse:
    assessment = _reviewable(ctx, assessment_id)
    try:
        services.moderation_request(
            assessment=assessment, actor=ctx.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Sent to moderation."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("assessments:review", slug=ctx.organisation.slug, assessment_id=assessment.pk)


@require_GET
def public_evidence(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What a learner chose to make public, from an accepted assessment (linked from the
    credential's ``evidence``). Files are listed by name only, never served here."""
    assessment = (
        Assessment.objects.filter(
            public_id=public_id, make_public=True, status=AssessmentStatus.ACCEPTED
        )
        .select_related("requirement", "organisation", "learner")
        .first()
    )
    if assessment is None:
        raise Http404("No such evidence.")
    latest = assessment.submissions.order_by("-number").prefetch_related("files").first()
    return render(
        request,
        "assessments/public_evidence.html",
        {
            "assessment": assessment,
            "latest": latest,
            "rows": _criteria_rows(assessment, latest.reflections if latest else {}),
            "decider": selectors.deciding_review(assessment),
        },
    )
