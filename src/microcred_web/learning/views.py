"""Authoring pages: courses, modules, blocks, quizzes, preview, translations, records.

Authors are issuers and administrators; every view is wrapped by ``org_view``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.common.htmx import is_htmx
from microcred_web.learning import imports, records, selectors, services, xliff
from microcred_web.learning.forms import (
    BlockForm,
    CourseForm,
    MachineTranslateForm,
    ModuleForm,
    QuestionForm,
    QuizForm,
    UploadForm,
    choice_rows_for_form,
    choice_rows_from_post,
    course_initial,
    quiz_initial,
)
from microcred_web.learning.models import (
    Block,
    BlockKind,
    Course,
    Module,
    Question,
    QuestionKind,
    Quiz,
)
from microcred_web.learning.snapshot import course_snapshot, localised
from microcred_web.learning.translation import (
    backend_choices,
    course_translate_machine,
    machine_units,
    offered_targets,
)
from microcred_web.learning.video import allows_video_frames
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

AUTHORS = (Role.ISSUER, Role.ADMIN)


def _course(ctx: OrgContext, course_id: int) -> Course:
    course = selectors.course_get(organisation=ctx.organisation, course_id=course_id)
    if course is None:
        raise Http404("No such course.")
    return course


def _module(course: Course, module_id: int) -> Module:
    module = selectors.module_get(course=course, module_id=module_id)
    if module is None:
        raise Http404("No such module.")
    return module


def _block(module: Module, block_id: int) -> Block:
    block = module.blocks.filter(pk=block_id).first()
    if block is None:
        raise Http404("No such block.")
    return block


def _quiz(course: Course, quiz_id: int) -> Quiz:
    quiz = selectors.quiz_get(course=course, quiz_id=quiz_id)
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def _error_to_form(form: forms.Form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _course_url(ctx: OrgContext, course: Course) -> HttpResponse:
    return redirect("learning:course_detail", slug=ctx.organisation.slug, course_id=course.pk)


def _module_url(ctx: OrgContext, module: Module) -> HttpResponse:
    return redirect(
        "learning:module_edit",
        slug=ctx.organisation.slug,
        course_id=module.course_id,
        module_id=module.pk,
    )


# --- courses ---------------------------------------------------------------------------------


@org_view(*AUTHORS)
def course_list(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    courses = selectors.course_list(organisation=ctx.organisation)
    return render(request, "learning/course_list.html", {"ctx": ctx, "courses": courses})


def _course_save(request: HttpRequest, ctx: OrgContext, course: Course | None) -> HttpResponse:
    initial = (
        course_initial(course)
        if course
        else {"language": ctx.organisation.default_language or "en"}
    )
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = services.course_create(
                    organisation=ctx.organisation, actor=ctx.user, values=form.values()
                )
                messages.success(request, _("Course created as a draft. Add its first module."))
            else:
                course = services.course_update(course=course, actor=ctx.user, values=form.values())
                messages.success(request, _("Saved. Publish to show the changes to learners."))
        except ApplicationError as error:
            _error_to_form(form, error)
        else:
            return _course_url(ctx, course)
    return render(
        request,
        "learning/course_form.html",
        {"ctx": ctx, "form": form, "course": course},
        status=400 if form.errors else 200,
    )


@org_view(*AUTHORS)
def course_new(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    return _course_save(request, ctx, None)


@org_view(*AUTHORS)
def course_edit(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    return _course_save(request, ctx, _course(ctx, course_id))


@org_view(*AUTHORS)
def course_detail(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    modules = list(course.modules.prefetch_related("blocks"))
    quizzes = list(course.quizzes.prefetch_related("questions"))
    return render(
        request,
        "learning/course_detail.html",
        {
            "ctx": ctx,
            "course": course,
            "modules": modules,
            "quizzes": quizzes,
            "versions": course.versions.select_related("created_by")[:10],
            "counts": selectors.course_enrolment_counts(course=course),
            "module_form": ModuleForm(),
            "course_iri": records.course_iri(course.public_id),
            "languages": xliff.translated_languages(course),
        },
    )


@org_view(*AUTHORS)
@require_POST
def course_publish(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    try:
        version = services.course_publish(course=course, actor=ctx.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Published as version %(n)d. Learners already part-way keep their version.")
            % {"n": version.number},
        )
    return _course_url(ctx, course)


@org_view(*AUTHORS)
@allows_video_frames
def course_preview(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    """The draft exactly as a learner will see it (same template, same snapshot rendering)."""
    course = _course(ctx, course_id)
    language = request.GET.get("lang") or course.language
    view = localised(course_snapshot(course), language)
    number = _module_number(request, len(view.modules))
    return render(
        request,
        "learning/player.html",
        {
            "ctx": ctx,
            "preview": True,
            "course": course,
            "view": view,
            "module": view.modules[number - 1] if view.modules else None,
            "number": number,
            "done": set(),
            "quiz_states": {},
            "languages": [course.language, *xliff.translated_languages(course)],
        },
    )


def _module_number(request: HttpRequest, count: int) -> int:
    text = request.GET.get("module", "1")
    number = int(text) if text.isdigit() else 1
    return min(max(number, 1), max(count, 1))


# --- modules and blocks ----------------------------------------------------------------------


@org_view(*AUTHORS)
@require_POST
def module_new(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    try:
        module = services.module_create(
            course=course, actor=ctx.user, title=request.POST.get("title", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _course_url(ctx, course)
    return _module_url(ctx, module)


@org_view(*AUTHORS)
@allows_video_frames
def module_edit(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    module = _module(course, module_id)
    form = ModuleForm(request.POST or None, initial={"title": module.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(module=module, actor=ctx.user, title=form.cleaned_data["title"])
        except ApplicationError as error:
            _error_to_form(form, error)
        else:
            messages.success(request, _("Module title saved."))
            return _module_url(ctx, module)
    preview = localised(course_snapshot(course), course.language)
    previews = {
        block.key: block for m in preview.modules if m.key == module.key for block in m.blocks
    }
    blocks = [(block, previews.get(block.key)) for block in module.blocks.select_related("quiz")]
    return render(
        request,
        "learning/module_edit.html",
        {
            "ctx": ctx,
            "course": course,
            "module": module,
            "form": form,
            "blocks": blocks,
            "kinds": BlockKind.choices,
        },
        status=400 if form.errors else 200,
    )


@org_view(*AUTHORS)
@require_POST
def module_move(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    services.module_move(
        module=_module(course, module_id),
        actor=ctx.user,
        direction="up" if request.POST.get("direction") == "up" else "down",
    )
    return _course_url(ctx, course)


@org_view(*AUTHORS)
@require_POST
def module_delete(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    services.module_delete(module=_module(course, module_id), actor=ctx.user)
    messages.success(request, _("Module deleted from the draft."))
    return _course_url(ctx, course)


def _block_save(
    request: HttpRequest, ctx: OrgContext, module: Module, kind: str, block: Block | None
) -> HttpResponse:
    course = module.course
    initial: dict[str, Any] = {}
    if block is not None:
        initial = {
            "body": block.body,
            "style": block.style,
            "url": block.url,
            "caption": block.caption,
            "quiz": block.quiz_id,
        }
    form = BlockForm(
        request.POST or None, request.FILES or None, initial=initial, kind=kind, course=course
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            if block is None:
                services.block_create(
                    module=module, actor=ctx.user, kind=kind, values=form.values(), upload=upload
                )
                messages.success(request, _("Block added."))
            else:
                services.block_update(
                    block=block,
                    actor=ctx.user,
                    values=form.values(),
                    upload=upload,
                    remove_media=bool(form.cleaned_data.get("remove_media")),
                )
                messages.success(request, _("Block saved."))
        except ApplicationError as error:
            _error_to_form(form, error)
        else:
            return _module_url(ctx, module)
    return render(
        request,
        "learning/block_form.html",
        {
            "ctx": ctx,
            "course": course,
            "module": module,
            "item": block,  # not "block": Django's {% block %} tags use that name
            "kind": kind,
            "kind_label": BlockKind(kind).label,
            "form": form,
            "shown": form.shown(),
        },
        status=400 if form.errors else 200,
    )


@org_view(*AUTHORS)
def block_new(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int, kind: str
) -> HttpResponse:
    if kind not in BlockKind.values:
        raise Http404("No such kind of block.")
    return _block_save(request, ctx, _module(_course(ctx, course_id), module_id), kind, None)


@org_view(*AUTHORS)
def block_edit(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int, block_id: int
) -> HttpResponse:
    module = _module(_course(ctx, course_id), module_id)
    block = _block(module, block_id)
    return _block_save(request, ctx, module, block.kind, block)


@org_view(*AUTHORS)
@require_POST
def block_move(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int, block_id: int
) -> HttpResponse:
    module = _module(_course(ctx, course_id), module_id)
    services.block_move(
        block=_block(module, block_id),
        actor=ctx.user,
        direction="up" if request.POST.get("direction") == "up" else "down",
    )
    return _module_url(ctx, module)


@org_view(*AUTHORS)
@require_POST
def block_reorder(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int
) -> HttpResponse:
    """The order from drag and drop or the keyboard: ``order`` = block ids, comma-separated."""
    module = _module(_course(ctx, course_id), module_id)
    raw = request.POST.get("order", "")
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
        services.block_reorder(module=module, actor=ctx.user, block_ids=ids)
    except (ValueError, ApplicationError) as error:
        message = error.message if isinstance(error, ApplicationError) else _("Bad order.")
        return JsonResponse({"error": {"code": "order", "message": message}}, status=400)
    if is_htmx(request) or request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": True})
    return _module_url(ctx, module)


@org_view(*AUTHORS)
@require_POST
def block_delete(
    request: HttpRequest, ctx: OrgContext, course_id: int, module_id: int, block_id: int
) -> HttpResponse:
    module = _module(_course(ctx, course_id), module_id)
    services.block_delete(block=_block(module, block_id), actor=ctx.user)
    messages.success(request, _("Block deleted from the draft."))
    return _module_url(ctx, module)


# --- quizzes ---------------------------------------------------------------------------------


@org_view(*AUTHORS)
def quiz_new(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    return _quiz_save(request, ctx, _course(ctx, course_id), None)


@org_view(*AUTHORS)
def quiz_edit(request: HttpRequest, ctx: OrgContext, course_id: int, quiz_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    return _quiz_save(request, ctx, course, _quiz(course, quiz_id))


def _quiz_save(
    request: HttpRequest, ctx: OrgContext, course: Course, quiz: Quiz | None
) -> HttpResponse:
    form = QuizForm(request.POST or None, initial=quiz_initial(quiz) if quiz else None)
    if request.method == "POST" and form.is_valid():
        try:
            if quiz is None:
                quiz = services.quiz_create(course=course, actor=ctx.user, values=form.cleaned_data)
                messages.success(request, _("Quiz created. Add questions to its bank."))
            else:
                services.quiz_update(quiz=quiz, actor=ctx.user, values=form.cleaned_data)
                messages.success(request, _("Quiz saved."))
        except ApplicationError as error:
            _error_to_form(form, error)
        else:
            return redirect(
                "learning:quiz_edit",
                slug=ctx.organisation.slug,
                course_id=course.pk,
                quiz_id=quiz.pk,
            )
    return render(
        request,
        "learning/quiz_form.html",
        {
            "ctx": ctx,
            "course": course,
            "quiz": quiz,
            "form": form,
            "questions": list(quiz.questions.all()) if quiz else [],
            "kinds": QuestionKind.choices,
        },
        status=400 if form.errors else 200,
    )


def _question_save(
    request: HttpRequest,
    ctx: OrgContext,
    course: Course,
    quiz: Quiz,
    kind: str,
    question: Question | None,
) -> HttpResponse:
    initial: dict[str, Any] = {}
    rows = choice_rows_for_form(question.choices if question else [])
    if question is not None:
        initial = {
            "prompt": question.prompt,
            "feedback": question.feedback,
            "accepted_answers": "\n".join(question.accepted_answers),
            "answer": next((c["key"] for c in question.choices if c.get("correct")), ""),
        }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        rows = choice_rows_for_form(choice_rows_from_post(request.POST))
        if form.is_valid():
            values = {
                **form.cleaned_data,
                "accepted_answers": form.cleaned_data["accepted_answers"].splitlines(),
                "choices": choice_rows_from_post(request.POST),
            }
            try:
                if question is None:
                    services.question_create(quiz=quiz, actor=ctx.user, kind=kind, values=values)
                    messages.success(request, _("Question added to the bank."))
                else:
                    services.question_update(question=question, actor=ctx.user, values=values)
                    messages.success(request, _("Question saved."))
            except ApplicationError as error:
                if error.field == "choices":
                    form.add_error(None, error.message)
                else:
                    _error_to_form(form, error)
            else:
                return redirect(
                    "learning:quiz_edit",
                    slug=ctx.organisation.slug,
                    course_id=course.pk,
                    quiz_id=quiz.pk,
                )
    return render(
        request,
        "learning/question_form.html",
        {
            "ctx": ctx,
            "course": course,
            "quiz": quiz,
            "question": question,
            "kind": kind,
            "kind_label": QuestionKind(kind).label,
            "form": form,
            "rows": rows,
        },
        status=400 if form.errors else 200,
    )


@org_view(*AUTHORS)
def question_new(
    request: HttpRequest, ctx: OrgContext, course_id: int, quiz_id: int, kind: str
) -> HttpResponse:
    if kind not in QuestionKind.values:
        raise Http404("No such kind of question.")
    course = _course(ctx, course_id)
    return _question_save(request, ctx, course, _quiz(course, quiz_id), kind, None)


@org_view(*AUTHORS)
def question_edit(
    request: HttpRequest, ctx: OrgContext, course_id: int, quiz_id: int, question_id: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    quiz = _quiz(course, quiz_id)
    question = quiz.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    return _question_save(request, ctx, course, quiz, question.kind, question)


@org_view(*AUTHORS)
@require_POST
def question_delete(
    request: HttpRequest, ctx: OrgContext, course_id: int, quiz_id: int, question_id: int
) -> HttpResponse:
    course = _course(ctx, course_id)
    quiz = _quiz(course, quiz_id)
    question = quiz.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    services.question_delete(question=question, actor=ctx.user)
    messages.success(request, _("Question deleted from the bank."))
    return redirect(
        "learning:quiz_edit", slug=ctx.organisation.slug, course_id=course.pk, quiz_id=quiz.pk
    )


# --- translations ----------------------------------------------------------------------------


@org_view(*AUTHORS)
def translations(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_form.is_valid():
        try:
            language, count = xliff.xliff_import(
                course=course, actor=ctx.user, data=upload_form.cleaned_data["file"].read()
            )
        except ApplicationError as error:
            upload_form.add_error("file", error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Imported %(n)d text in %(lang)s. Publish the course to show it to learners.",
                    "Imported %(n)d texts in %(lang)s. "
                    "Publish the course to show them to learners.",
                    count,
                )
                % {"n": count, "lang": language},
            )
            return redirect(
                "learning:translations", slug=ctx.organisation.slug, course_id=course.pk
            )
    return render(
        request,
        "learning/translations.html",
        {
            "ctx": ctx,
            "course": course,
            "upload_form": upload_form,
            "machine_form": MachineTranslateForm(
                backends=backend_choices(ctx.organisation),
                initial={"language": (offered_targets(course) or ["fr"])[0]},
            ),
            "machine_units": machine_units(course),
            "languages": xliff.translated_languages(course),
            "units": xliff.course_units(course),
            "export_language": request.GET.get("lang")
            or ("fr" if course.language != "fr" else "en"),
        },
        status=400 if upload_form.errors else 200,
    )


@org_view(*AUTHORS)
def xliff_export(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    language = request.GET.get("lang", "").strip() or "fr"
    if not xliff.LANGUAGE_CODE.match(language) or language == course.language:
        messages.error(request, _("Choose a target language other than the course's own."))
        return redirect("learning:translations", slug=ctx.organisation.slug, course_id=course.pk)
    response = HttpResponse(
        xliff.xliff_export(course=course, target_language=language),
        content_type="application/xliff+xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}-{language}.xlf"'
    return response


@org_view(*AUTHORS)
@require_POST
def translate_machine(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    language = request.POST.get("language", "").strip()
    try:
        run = course_translate_machine(
            course=course,
            actor=ctx.user,
            backend_name=request.POST.get("backend", ""),
            target_language=language,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("learning:translations", slug=ctx.organisation.slug, course_id=course.pk)
    messages.success(
        request,
        ngettext(
            "%(n)d text translated by machine; review it before publishing.",
            "%(n)d texts translated by machine; review them before publishing.",
            run.translated,
        )
        % {"n": run.translated},
    )
    for unit_id, reason in run.refused:
        messages.warning(
            request,
            _("“%(unit)s” was left untranslated: %(reason)s.")
            % {"unit": unit_id, "reason": reason},
        )
    return redirect(
        "learning:translation_review",
        slug=ctx.organisation.slug,
        course_id=course.pk,
        language=language,
    )


# --- learning records ------------------------------------------------------------------------


def _json_download(statements: list[dict[str, Any]], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(statements, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view(Role.ADMIN)
def course_records_export(request: HttpRequest, ctx: OrgContext, course_id: int) -> HttpResponse:
    course = _course(ctx, course_id)
    statements = records.statements_export(organisation=ctx.organisation, course=course)
    return _json_download(statements, f"course-{course.pk}-xapi.json")


@org_view(Role.ADMIN)
def person_records_export(
    request: HttpRequest, ctx: OrgContext, membership_id: int
) -> HttpResponse:
    membership = ctx.organisation.memberships.filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such person.")
    statements = records.statements_export(
        organisation=ctx.organisation, user_id=membership.user_id
    )
    return _json_download(statements, f"person-{membership.pk}-xapi.json")


@org_view(Role.ADMIN)
def records_import(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[imports.RowProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = imports.records_import(
                organisation=ctx.organisation,
                actor=ctx.user,
                data=upload.read(imports.MAX_BYTES + 1),
                filename=upload.name or "",
            )
        except imports.ImportRefused as refused:
            problems = refused.problems
            form.add_error("file", refused.message)
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _(
                    "Imported %(n)d statements (%(c)d completions); %(s)d were already stored "
                    "and skipped."
                )
                % {"n": summary.imported, "c": summary.completions, "s": summary.skipped},
            )
            return redirect("learning:records_import", slug=ctx.organisation.slug)
    return render(
        request,
        "learning/records_import.html",
        {
            "ctx": ctx,
            "form": form,
            "problems": problems[:50],
            "more_problems": max(0, len(problems) - 50),
            "columns": imports.CSV_COLUMNS,
            "courses": selectors.published_courses(organisation=ctx.organisation),
            "course_iri_prefix": records.course_iri(""),
        },
        status=400 if form.errors else 200,
    )
