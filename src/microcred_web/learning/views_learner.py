"""Learner and manager pages: my learning, the player with inline quizzes, my team, assigning,
and course media."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import progress, selectors
from microcred_web.learning.forms import AssignForm, CourseChoiceForm
from microcred_web.learning.models import Enrolment, MediaFile, QuizAttempt
from microcred_web.learning.snapshot import localised, snapshot_quiz
from microcred_web.learning.video import allows_video_frames
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

ASSIGNERS = (Role.ADMIN, Role.MANAGER)


def learner_language(request: HttpRequest, ctx: OrgContext) -> str:
    """The learner's preferred language, else the page's language."""
    return ctx.user.preferred_language or get_language() or "en"


def _enrolment(ctx: OrgContext, enrolment_id: int) -> Enrolment:
    enrolment = selectors.enrolment_get_for_user(
        organisation=ctx.organisation, user_id=ctx.user.pk, enrolment_id=enrolment_id
    )
    if enrolment is None:
        raise Http404("No such enrolment.")
    return enrolment


@org_view()
def mine(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    rows: list[dict[str, Any]] = []
    for enrolment in selectors.enrolment_list_for_user(
        organisation=ctx.organisation, user_id=ctx.user.pk
    ):
        if enrolment.course.current_version_id is None and enrolment.version_id is None:
            continue
        rows.append(
            {
                "enrolment": enrolment,
                "percent": progress.progress_percent(enrolment),
                "overdue": selectors.is_overdue(enrolment),
                "title": localised(
                    progress.enrolment_snapshot(enrolment), learner_language(request, ctx)
                ).title,
            }
        )
    return render(
        request,
        "learning/mine.html",
        {
            "ctx": ctx,
            "rows": [r for r in rows if r["enrolment"].completed_at is None],
            "finished": [r for r in rows if r["enrolment"].completed_at is not None],
            "available": selectors.self_enrol_courses(
                organisation=ctx.organisation, user_id=ctx.user.pk
            ),
        },
    )


@org_view()
@require_POST
def enrol(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = selectors.published_courses(organisation=ctx.organisation).filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    try:
        enrolment = progress.enrolment_self(
            organisation=ctx.organisation, user=ctx.user, course=course
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("learning:mine", slug=ctx.organisation.slug)
    return redirect("learning:player", slug=ctx.organisation.slug, enrolment_id=enrolment.pk)


def _quiz_states(
    enrolment: Enrolment, snapshot: dict[str, Any], module_blocks: list[Any]
) -> dict[str, dict[str, Any]]:
    """For each quiz in the module: the open attempt, the last result, attempts left."""
    states: dict[str, dict[str, Any]] = {}
    quiz_ids = [block.quiz for block in module_blocks if block.quiz]
    if not quiz_ids:
        return states
    attempts = list(
        QuizAttempt.objects.filter(enrolment=enrolment, quiz__public_id__in=quiz_ids)
        .select_related("quiz")
        .order_by("number")
    )
    for quiz_id in quiz_ids:
        mine = [a for a in attempts if str(a.quiz.public_id) == quiz_id]
        submitted = [a for a in mine if a.submitted_at is not None]
        spec = snapshot_quiz(snapshot, quiz_id) or {}
        open_attempt = next((a for a in mine if a.submitted_at is None), None)
        last = submitted[-1] if submitted else None
        states[quiz_id] = {
            "open": _attempt_view(open_attempt, reveal=False) if open_attempt else None,
            "last": _attempt_view(last, reveal=True) if last else None,
            "passed": any(a.passed for a in submitted),
            "left": progress.attempts_left(spec, len(mine)),
        }
    return states


def _attempt_view(attempt: QuizAttempt, *, reveal: bool) -> dict[str, Any]:
    """What the page may show of an attempt: never the answers before it is submitted."""
    questions = []
    for index, question in enumerate(attempt.questions):
        item: dict[str, Any] = {
            "name": f"q{index}",
            "number": index + 1,
            "kind": question["kind"],
            "prompt": question["prompt"],
            "choices": [{"token": c["token"], "text": c["text"]} for c in question["choices"]],
            "positions": list(range(1, len(question["choices"]) + 1)),
        }
        if reveal:
            item["correct"] = bool((attempt.marks.get(f"q{index}") or {}).get("correct"))
            item["feedback"] = question.get("feedback", "")
        questions.append(item)
    return {
        "pk": attempt.pk,
        "number": attempt.number,
        "questions": questions,
        "score": attempt.score,
        "passed": attempt.passed,
    }


@org_view()
@allows_video_frames
def player(request: HttpRequest, ctx: OrgContext, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(ctx, enrolment_id)
    try:
        enrolment = progress.enrolment_start(enrolment=enrolment)
        snapshot = progress.enrolment_snapshot(enrolment)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("learning:mine", slug=ctx.organisation.slug)
    view = localised(snapshot, learner_language(request, ctx))
    done = set(enrolment.completed_blocks or [])
    if "module" in request.GET:
        text = request.GET["module"]
        number = int(text) if text.isdigit() else 1
    else:  # continue where they left off
        number = next(
            (m.number for m in view.modules if any(b.key not in done for b in m.blocks)),
            1,
        )
    number = min(max(number, 1), max(len(view.modules), 1))
    module = view.modules[number - 1] if view.modules else None
    return render(
        request,
        "learning/player.html",
        {
            "ctx": ctx,
            "preview": False,
            "enrolment": enrolment,
            "view": view,
            "module": module,
            "number": number,
            "done": done,
            "module_done": module is not None and all(b.key in done for b in module.blocks),
            "percent": progress.progress_percent(enrolment, snapshot),
            "quiz_states": _quiz_states(enrolment, snapshot, module.blocks if module else []),
        },
    )


def _to_module(ctx: OrgContext, enrolment: Enrolment, number: int) -> HttpResponse:
    response = redirect("learning:player", slug=ctx.organisation.slug, enrolment_id=enrolment.pk)
    response["Location"] += f"?module={number}"
    return response


@org_view()
@require_POST
def module_complete(
    request: HttpRequest, ctx: OrgContext, enrolment_id: int, module_key: str
) -> HttpResponse:
    enrolment = _enrolment(ctx, enrolment_id)
    try:
        finished = progress.module_complete(enrolment=enrolment, module_key=module_key)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return redirect("learning:player", slug=ctx.organisation.slug, enrolment_id=enrolment.pk)
    if finished:
        messages.success(request, _("Course complete. Well done!"))
        return redirect("learning:mine", slug=ctx.organisation.slug)
    snapshot = progress.enrolment_snapshot(enrolment)
    keys = [m["key"] for m in snapshot["modules"]]
    index = keys.index(module_key) if module_key in keys else 0
    return _to_module(ctx, enrolment, min(index + 2, len(keys)))


def _module_number_of_quiz(enrolment: Enrolment, quiz_id: str) -> int:
    snapshot = progress.enrolment_snapshot(enrolment)
    for number, module in enumerate(snapshot["modules"], start=1):
        if any(block.get("quiz") == quiz_id for block in module["blocks"]):
            return number
    return 1


@org_view()
@require_POST
def quiz_start(
    request: HttpRequest, ctx: OrgContext, enrolment_id: int, quiz_id: UUID
) -> HttpResponse:
    enrolment = _enrolment(ctx, enrolment_id)
    try:
        progress.quiz_attempt_start(
            enrolment=enrolment,
            quiz_public_id=str(quiz_id),
            language=learner_language(request, ctx),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    response = _to_module(ctx, enrolment, _module_number_of_quiz(enrolment, str(quiz_id)))
    response["Location"] += f"#quiz-{quiz_id}"
    return response


@org_view()
@require_POST
def attempt_submit(
    request: HttpRequest, ctx: OrgContext, enrolment_id: int, attempt_id: int
) -> HttpResponse:
    enrolment = _enrolment(ctx, enrolment_id)
    attempt = (
        QuizAttempt.objects.filter(pk=attempt_id, enrolment=enrolment, user=ctx.user)
        .select_related("quiz")
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    try:
        attempt = progress.quiz_attempt_submit(
            attempt=attempt, answers=progress.answers_from_post(attempt, request.POST)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if attempt.passed:
            messages.success(request, _("Passed with %(score)s%%.") % {"score": attempt.score})
        else:
            messages.warning(
                request, _("Not passed this time: %(score)s%%.") % {"score": attempt.score}
            )
    enrolment.refresh_from_db()
    if enrolment.completed_at is not None and attempt.passed:
        messages.success(request, _("Course complete. Well done!"))
    quiz_id = str(attempt.quiz.public_id)
    response = _to_module(ctx, enrolment, _module_number_of_quiz(enrolment, quiz_id))
    response["Location"] += f"#quiz-{quiz_id}"
    return response


# --- managers -------------------------------------------------------------------------------


@org_view(*ASSIGNERS)
def team(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    teams = []
    for team_obj, rows in selectors.team_progress(ctx=ctx):
        teams.append(
            (
                team_obj,
                [
                    {
                        "membership": row.membership,
                        "items": [
                            {
                                "enrolment": e,
                                "percent": progress.progress_percent(e),
                                "overdue": selectors.is_overdue(e),
                            }
                            for e in row.enrolments
                        ],
                    }
                    for row in rows
                ],
            )
        )
    return render(request, "learning/team.html", {"ctx": ctx, "teams": teams})


@org_view(*ASSIGNERS)
def assign(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    courses = selectors.published_courses(organisation=ctx.organisation)
    members = selectors.assignable_members(ctx=ctx)
    teams = selectors.assignable_teams(ctx=ctx)
    initial = {"course": request.GET.get("course")}
    course_form = CourseChoiceForm(request.POST or None, initial=initial, courses=courses)
    form = AssignForm(request.POST or None, teams=teams, members=members)
    if request.method == "POST" and course_form.is_valid() and form.is_valid():
        course = courses.filter(pk=course_form.cleaned_data["course"]).first()
        team_obj = (
            teams.filter(pk=form.cleaned_data["team"]).first()
            if form.cleaned_data["team"]
            else None
        )
        chosen = list(members.filter(pk__in=form.cleaned_data["people"]))
        if team_obj is not None:
            chosen += [m for m in team_obj.members.filter(is_active=True) if m not in chosen]
        if course is None:
            course_form.add_error("course", _("Choose a published course."))
        elif not chosen:
            form.add_error("people", _("Choose a team or at least one person."))
        else:
            try:
                created, updated = progress.enrolment_assign(
                    organisation=ctx.organisation,
                    actor=ctx.user,
                    course=course,
                    memberships=chosen,
                    due_date=form.cleaned_data["due_date"],
                    team=team_obj,
                )
            except ApplicationError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Assigned “%(course)s” to %(n)d person (%(u)d updated).",
                        "Assigned “%(course)s” to %(n)d people (%(u)d updated).",
                        created,
                    )
                    % {"course": course.title, "n": created, "u": updated},
                )
                return redirect("learning:team", slug=ctx.organisation.slug)
    return render(
        request,
        "learning/assign.html",
        {"ctx": ctx, "course_form": course_form, "form": form, "has_courses": courses.exists()},
        status=400 if (form.errors or course_form.errors) else 200,
    )


# --- media ----------------------------------------------------------------------------------


@org_view()
def media(request: HttpRequest, ctx: OrgContext, public_id: UUID) -> HttpResponseBase:
    item = MediaFile.objects.filter(organisation=ctx.organisation, public_id=public_id).first()
    if item is None or not item.file:
        raise Http404("No such file.")
    inline = item.content_type.startswith(("image/", "video/", "audio/"))
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=not inline,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
