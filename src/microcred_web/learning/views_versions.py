"""Course versions: compare two (or a version and the draft) block by block; roll back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.learning import selectors
from microcred_web.learning.models import Course
from microcred_web.learning.versioning import course_diff, course_rollback, version_snapshot
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

AUTHORS = (Role.ISSUER, Role.ADMIN)
DRAFT = "draft"


def _course(ctx: OrgContext, course_id: int) -> Course:
    course = selectors.course_get(organisation=ctx.organisation, course_id=course_id)
    if course is None:
        raise Http404("No such course.")
    return course


def _number(value: str | None, numbers: list[int], default: int | None) -> int | None:
    """A version number from the query (None: the draft); unknown values give ``default``."""
    if value == DRAFT:
        return None
    if value and value.isdigit() and int(value) in numbers:
        return int(value)
    return default


@org_view(*AUTHORS)
def course_versions(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    versions = list(course.versions.select_related("created_by"))  # newest first
    numbers = [v.number for v in versions]
    latest = numbers[0] if numbers else None
    before = _number(request.GET.get("from"), numbers, numbers[1] if len(numbers) > 1 else latest)
    after = _number(request.GET.get("to"), numbers, None if len(numbers) < 2 else latest)
    diff = None
    if versions:
        old, new = version_snapshot(course, before), version_snapshot(course, after)
        if old is not None and new is not None:
            diff = course_diff(old, new)
    return render(
        request,
        "learning/course_versions.html",
        {
            "ctx": ctx,
            "course": course,
            "versions": versions,
            "before": DRAFT if before is None else before,
            "after": DRAFT if after is None else after,
            "diff": diff,
        },
    )


@org_view(*AUTHORS)
@require_POST
def course_version_rollback(
    request: HttpRequest, ctx: OrgContext, course_id: int, number: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    version = course.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    missing = course_rollback(course=course, version=version, actor=ctx.user)
    messages.success(
        request,
        _(
            "The draft is now version %(number)s again. "
            "Publish it to make it the course learners take."
        )
        % {"number": number},
    )
    if missing:
        messages.warning(
            request,
            _("Left out: blocks of quizzes that no longer exist (%(titles)s).")
            % {"titles": ", ".join(missing)},
        )
    response = redirect("learning:course_versions", slug=ctx.organisation.slug, course_id=course.pk)
    response["Location"] += f"?from={number}&to={DRAFT}"
    return response
