"""Assessment set-up (admins: requirements, rubrics, policy), observation sign-off (managers,
assessors) and the team's upcoming expiries (managers)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.assessments import definitions, selectors, services
from microcred_web.assessments.expiry_actions import refresher_for
from microcred_web.assessments.models import (
    RecertificationCase,
    RecertificationStatus,
    RequirementKind,
    RequirementPurpose,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.learning import selectors as learning_selectors
from microcred_web.learning.models import Course, CourseStatus
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

LEVEL_ROWS = 4


def _refresher_courses(ctx: OrgContext) -> QuerySet[Course]:
    return learning_selectors.course_list(
        organisation=ctx.organisation, status=CourseStatus.PUBLISHED
    ).filter(current_version__isnull=False)


def _refresher_chosen(ctx: OrgContext, value: str) -> Course | None:
    if not value:
        return None
    course = _refresher_courses(ctx).filter(pk=value if value.isdigit() else 0).first()
    if course is None:
        raise ApplicationError(
            "refresher_course",
            _("Choose a published course of this organisation."),
            "refresher_course",
        )
    return course


@org_view(Role.ADMIN)
def requirements(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    achievements = Achievement.objects.filter(organisation=ctx.organisation).exclude(
        status="archived"
    )
    error: ApplicationError | None = None
    if request.method == "POST":
        achievement = achievements.filter(pk=request.POST.get("achievement") or 0).first()
        try:
            if achievement is None:
                raise ApplicationError("required", _("Choose an achievement."), "achievement")
            requirement = definitions.requirement_create(
                organisation=ctx.organisation,
                actor=ctx.user,
                achievement=achievement,
                kind=request.POST.get("kind", ""),
                purpose=request.POST.get("purpose", RequirementPurpose.INITIAL),
                title=request.POST.get("title", ""),
                instructions=request.POST.get("instructions", ""),
                countersignature_required=request.POST.get("countersignature_required") == "on",
                reminder_offsets=request.POST.get("reminder_offsets", ""),
                refresher_course=_refresher_chosen(ctx, request.POST.get("refresher_course", "")),
            )
            return redirect(
                "assessments:requirement", slug=ctx.organisation.slug, requirement_id=requirement.pk
            )
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "assessments/requirements.html",
        {
            "ctx": ctx,
            "items": selectors.requirement_list(organisation=ctx.organisation),
            "achievements": achievements,
            "kinds": RequirementKind.choices,
            "purposes": RequirementPurpose.choices,
            "courses": _refresher_courses(ctx),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
def requirement(request: HttpRequest, ctx: OrgContext, requirement_id: int) -> HttpResponse:
    item = selectors.requirement_get(organisation=ctx.organisation, requirement_id=requirement_id)
    if item is None:
        raise Http404("No such requirement.")
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if "refresher_course" in request.POST:
                definitions.requirement_refresher_set(
                    requirement=item,
                    actor=ctx.user,
                    course=_refresher_chosen(ctx, request.POST["refresher_course"]),
                )
            elif request.POST.get("remove"):
                criterion = item.criteria.filter(pk=request.POST["remove"] or 0).first()
                if criterion is None:
                    raise Http404("No such criterion.")
                definitions.criterion_remove(criterion=criterion, actor=ctx.user)
            else:
                levels = []
                for number in range(LEVEL_ROWS):
                    points = request.POST.get(f"level-{number}-points", "") or "0"
                    if not points.isdigit():
                        raise ApplicationError("points", _("Points are whole numbers."), "levels")
                    levels.append(
                        (
                            request.POST.get(f"level-{number}-title", ""),
                            request.POST.get(f"level-{number}-description", ""),
                            int(points),
                        )
                    )
                definitions.criterion_add(
                    requirement=item,
                    actor=ctx.user,
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    levels=levels,
                )
            messages.success(request, _("Saved."))
            return redirect(
                "assessments:requirement", slug=ctx.organisation.slug, requirement_id=item.pk
            )
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "assessments/requirement.html",
        {
            "ctx": ctx,
            "item": item,
            "criteria": item.criteria.prefetch_related("levels"),
            "level_rows": range(LEVEL_ROWS),
            "is_observation": item.kind == RequirementKind.OBSERVATION,
            "is_recertification": item.purpose == RequirementPurpose.RECERTIFICATION,
            "courses": _refresher_courses(ctx),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(Role.ADMIN)
def policy(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            definitions.policy_update(
                organisation=ctx.organisation, actor=ctx.user, values=request.POST
            )
            messages.success(request, _("Assessment settings saved."))
            return redirect("assessments:policy", slug=ctx.organisation.slug)
        except ApplicationError as exc:
            error = exc
    current = selectors.policy_for(organisation=ctx.organisation)
    return render(
        request,
        "assessments/policy.html",
        {
            "ctx": ctx,
            "policy": current,
            "offsets": ", ".join(str(o) for o in current.reminder_offsets or [60, 30, 7]),
            "error": error,
        },
        status=400 if error else 200,
    )


def _observable_learners(ctx: OrgContext) -> list[User]:
    queryset = User.objects.filter(
        memberships__organisation=ctx.organisation,
        memberships__is_active=True,
        memberships__roles__role=Role.LEARNER,
    ).exclude(pk=ctx.user.pk)
    if not ctx.has(Role.ASSESSOR, Role.ADMIN):
        queryset = queryset.filter(
            memberships__teams__managers__user=ctx.user,
            memberships__teams__organisation=ctx.organisation,
        )
    return list(queryset.distinct().order_by("display_name", "email"))


@org_view(Role.MANAGER, Role.ASSESSOR, Role.ADMIN)
def observation(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    options = selectors.requirement_list(organisation=ctx.organisation).filter(
        kind=RequirementKind.OBSERVATION, is_active=True
    )
    chosen = options.filter(pk=request.GET.get("requirement") or 0).first()
    learners = _observable_learners(ctx)
    error: ApplicationError | None = None
    if request.method == "POST" and chosen is not None:
        learner = next((u for u in learners if str(u.pk) == request.POST.get("learner")), None)
        try:
            if learner is None:
                raise ApplicationError("required", _("Choose a learner."), "learner")
            try:
                observed_on = date.fromisoformat(request.POST.get("observed_on", ""))
            except ValueError as exc:
                raise ApplicationError(
                    "date", _("Enter the date as YYYY-MM-DD."), "observed_on"
                ) from exc
            case = RecertificationCase.objects.filter(
                organisation=ctx.organisation,
                learner=learner,
                requirement=chosen,
                status=RecertificationStatus.OPEN,
            ).first()
            assessment = services.observation_record(
                requirement=chosen,
                learner=learner,
                actor=ctx.user,
                observed_on=observed_on,
                place=request.POST.get("place", ""),
                notes=request.POST.get("notes", ""),
                items={
                    str(c.public_id): request.POST.get(f"item-{c.public_id}") == "on"
                    for c in chosen.criteria.all()
                },
                recertification=case,
            )
            messages.success(
                request,
                _("Observation recorded: %(status)s.")
                % {"status": assessment.get_status_display()},
            )
            return redirect("assessments:observation", slug=ctx.organisation.slug)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "assessments/observation.html",
        {
            "ctx": ctx,
            "options": options,
            "chosen": chosen,
            "learners": learners,
            "checklist": list(chosen.criteria.all()) if chosen else [],
            "today": timezone.now().date().isoformat(),
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view(Role.MANAGER)
def team_expiries(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    now = timezone.now()
    credentials = selectors.team_expiries(
        organisation=ctx.organisation, membership=ctx.membership, now=now
    )
    return render(
        request,
        "assessments/team_expiries.html",
        {
            "ctx": ctx,
            "rows": [
                {
                    "credential": c,
                    "status": c.status_at(now),
                    "days": (c.valid_until - now).days if c.valid_until else None,
                    "superseded": selectors.supersession(c)[1] is not None,
                    "refresher": refresher_for(c),
                }
                for c in credentials
            ],
        },
    )
