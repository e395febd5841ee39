"""Writes for authoring: courses, modules, blocks, quizzes, questions, publishing.

Each function is keyword-only, runs in one transaction and records an audit event. Errors the
author can fix are :class:`ApplicationError` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning.models import (
    Block,
    BlockKind,
    CalloutStyle,
    Course,
    CourseStatus,
    CourseVersion,
    MediaFile,
    Module,
    Question,
    QuestionKind,
    Quiz,
    new_key,
)
from microcred_web.learning.snapshot import course_snapshot
from microcred_web.learning.translation import machine_units
from microcred_web.learning.uploads import upload_check
from microcred_web.learning.video import NotAVideo, NoVideoId, video_embed
from microcred_web.orgs.models import Organisation

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MEDIA_KINDS = {BlockKind.IMAGE, BlockKind.VIDEO, BlockKind.AUDIO, BlockKind.FILE}


def _required(values: dict[str, Any], name: str, message: str) -> str:
    text = str(values.get(name) or "").strip()
    if not text:
        raise ApplicationError("required", message, field=name)
    return text


def _course_values(values: dict[str, Any]) -> dict[str, Any]:
    language = str(values.get("language") or "en").strip()
    if not LANGUAGE_CODE.match(language):
        raise ApplicationError(
            "language", _("Enter a language code such as en, fr or de-AT."), field="language"
        )
    try:
        credits = Decimal(str(values.get("credits") if values.get("credits") is not None else 0))
    except InvalidOperation as exc:
        raise ApplicationError("credits", _("Enter a number."), field="credits") from exc
    if credits < 0 or credits >= 10_000:
        raise ApplicationError(
            "credits", _("Credits must be between 0 and 9999.99."), field="credits"
        )
    duration = int(values.get("duration_minutes") or 0)
    if duration < 1 or duration > 100_000:
        raise ApplicationError(
            "duration", _("Enter a duration of at least one minute."), field="duration_minutes"
        )
    return {
        "title": _required(values, "title", _("Give the course a title.")),
        "summary": str(values.get("summary") or ""),
        "language": language,
        "duration_minutes": duration,
        "credits": credits,
        "self_enrol": bool(values.get("self_enrol")),
    }


@transaction.atomic
def course_create(*, organisation: Organisation, actor: Any, values: dict[str, Any]) -> Course:
    course = Course.objects.create(organisation=organisation, **_course_values(values))
    audit_record(
        action="learning.course_create", actor=actor, organisation=organisation, target=course
    )
    return course


@transaction.atomic
def course_update(*, course: Course, actor: Any, values: dict[str, Any]) -> Course:
    for name, value in _course_values(values).items():
        setattr(course, name, value)
    course.save()
    audit_record(
        action="learning.course_update",
        actor=actor,
        organisation=course.organisation,
        target=course,
    )
    return course


def _publish_problems(course: Course) -> list[ApplicationError]:
    problems: list[ApplicationError] = []
    modules = list(course.modules.prefetch_related("blocks__quiz__questions"))
    if not modules:
        problems.append(ApplicationError("no_modules", _("Add at least one module.")))
    for module in modules:
        blocks = list(module.blocks.all())
        if not blocks:
            problems.append(
                ApplicationError(
                    "empty_module",
                    _("Module “%(title)s” has no content yet.") % {"title": module.title},
                )
            )
        for block in blocks:
            if block.kind == BlockKind.QUIZ and (
                block.quiz is None or not block.quiz.questions.all()
            ):
                problems.append(
                    ApplicationError(
                        "empty_quiz",
                        _("A quiz in module “%(title)s” has no questions.")
                        % {"title": module.title},
                    )
                )
    problems.extend(_unreviewed_machine_texts(course))
    return problems


def _unreviewed_machine_texts(course: Course) -> list[ApplicationError]:
    problems = []
    for language, ids in machine_units(course).items():
        shown = ", ".join(ids[:5]) + (
            _(" and %(n)d more") % {"n": len(ids) - 5} if len(ids) > 5 else ""
        )
        problems.append(
            ApplicationError(
                "translation_unreviewed",
                _(
                    "Machine translations into %(language)s need a review before publishing: "
                    "%(units)s."
                )
                % {"language": language, "units": shown},
            )
        )
    return problems


@transaction.atomic
def course_publish(*, course: Course, actor: Any) -> CourseVersion:
    """Freeze the draft into a new immutable version; learners who start from now take it."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    problems = _publish_problems(course)
    if problems:
        raise problems[0]
    number = (course.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CourseVersion.objects.create(
        course=course, number=number, snapshot=course_snapshot(course), created_by=actor
    )
    course.current_version = version
    course.status = CourseStatus.PUBLISHED
    course.save(update_fields=["current_version", "status", "updated_at"])
    audit_record(
        action="learning.course_publish",
        actor=actor,
        organisation=course.organisation,
        target=course,
        data={"version": number},
    )
    return version


# --- modules ----------------------------------------------------------------------------


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def module_create(*, course: Course, actor: Any, title: str) -> Module:
    title = _required({"title": title}, "title", _("Give the module a title."))
    module = Module.objects.create(
        course=course, title=title, position=_next_position(course.modules)
    )
    audit_record(
        action="learning.module_create",
        actor=actor,
        organisation=course.organisation,
        target=module,
    )
    return module


@transaction.atomic
def module_update(*, module: Module, actor: Any, title: str) -> Module:
    module.title = _required({"title": title}, "title", _("Give the module a title."))
    module.save(update_fields=["title"])
    audit_record(
        action="learning.module_update",
        actor=actor,
        organisation=module.course.organisation,
        target=module,
    )
    return module


def _move(items: list[Any], item: Any, direction: str) -> list[Any]:
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def _renumber(items: Sequence[Any]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def module_move(*, module: Module, actor: Any, direction: str) -> None:
    _renumber(_move(list(module.course.modules.select_for_update()), module, direction))


@transaction.atomic
def module_delete(*, module: Module, actor: Any) -> None:
    course = module.course
    audit_record(
        action="learning.module_delete",
        actor=actor,
        organisation=course.organisation,
        data={"title": module.title},
    )
    module.delete()
    _renumber(list(course.modules.all()))


# --- blocks -----------------------------------------------------------------------------


def _block_values(
    *, course: Course, kind: str, values: dict[str, Any], has_media: bool
) -> dict[str, Any]:
    body = str(values.get("body") or "")
    caption = str(values.get("caption") or "").strip()[:300]
    url = str(values.get("url") or "").strip()
    style = str(values.get("style") or "")
    quiz: Quiz | None = None
    if kind in (BlockKind.TEXT, BlockKind.CALLOUT) and not body.strip():
        raise ApplicationError("required", _("Write the text of this block."), field="body")
    if kind == BlockKind.CALLOUT and style not in CalloutStyle.values:
        raise ApplicationError("style", _("Choose a callout style."), field="style")
    if url and not url.lower().startswith("https://"):
        raise ApplicationError(
            "url", _("Links must start with https:// (secure addresses only)."), field="url"
        )
    if kind == BlockKind.VIDEO and url:
        _check_video_link(url)
    if kind in MEDIA_KINDS and not url and not has_media:
        raise ApplicationError(
            "required", _("Upload a file or give an https:// link."), field="upload"
        )
    if kind == BlockKind.IMAGE and not caption:
        raise ApplicationError(
            "required",
            _("Describe the image for people who cannot see it (alternative text)."),
            field="caption",
        )
    if kind == BlockKind.QUIZ:
        quiz = course.quizzes.filter(pk=values.get("quiz_id") or 0).first()
        if quiz is None:
            raise ApplicationError("quiz", _("Choose one of this course's quizzes."), field="quiz")
    return {
        "body": body if kind in (BlockKind.TEXT, BlockKind.CALLOUT, BlockKind.FILE) else "",
        "caption": caption,
        "style": style if kind == BlockKind.CALLOUT else "",
        "url": url if kind in MEDIA_KINDS else "",
        "quiz": quiz,
    }


def _check_video_link(url: str) -> None:
    try:
        video_embed(url)
    except NotAVideo as problem:
        message = (
            _("This link has no video in it: copy the address of the video's own page.")
            if isinstance(problem, NoVideoId)
            else _("Give a YouTube or Vimeo video link, or a link to an MP4 or WebM file.")
        )
        raise ApplicationError("video_url", message, field="url") from problem


def media_store(*, organisation: Organisation, upload: UploadedFile, kind: str) -> MediaFile:
    sniffed = upload_check(upload, kind=kind)
    media = MediaFile(
        organisation=organisation,
        content_type=sniffed.content_type,
        original_name=(upload.name or "file")[-255:],
        size=upload.size or 0,
    )
    media.file.save(f"{new_key()}.{sniffed.extension}", upload, save=False)
    media.save()
    return media


@transaction.atomic
def block_create(
    *,
    module: Module,
    actor: Any,
    kind: str,
    values: dict[str, Any],
    upload: UploadedFile | None = None,
) -> Block:
    if kind not in BlockKind.values:
        raise ApplicationError("kind", _("Unknown kind of block."), field="kind")
    course = module.course
    if upload is not None and kind in MEDIA_KINDS:
        upload_check(upload, kind=kind)
    clean = _block_values(course=course, kind=kind, values=values, has_media=upload is not None)
    media = (
        media_store(organisation=course.organisation, upload=upload, kind=kind)
        if upload is not None and kind in MEDIA_KINDS
        else None
    )
    block = Block.objects.create(
        module=module, kind=kind, position=_next_position(module.blocks), media=media, **clean
    )
    audit_record(
        action="learning.block_create", actor=actor, organisation=course.organisation, target=block
    )
    return block


@transaction.atomic
def block_update(
    *,
    block: Block,
    actor: Any,
    values: dict[str, Any],
    upload: UploadedFile | None = None,
    remove_media: bool = False,
) -> Block:
    course = block.module.course
    kind = block.kind
    if upload is not None and kind in MEDIA_KINDS:
        upload_check(upload, kind=kind)
    keeps_media = block.media_id is not None and not remove_media
    clean = _block_values(
        course=course, kind=kind, values=values, has_media=upload is not None or keeps_media
    )
    for name, value in clean.items():
        setattr(block, name, value)
    if upload is not None and kind in MEDIA_KINDS:
        block.media = media_store(organisation=course.organisation, upload=upload, kind=kind)
    elif remove_media:
        block.media = None
    block.save()
    audit_record(
        action="learning.block_update", actor=actor, organisation=course.organisation, target=block
    )
    return block


@transaction.atomic
def block_move(*, block: Block, actor: Any, direction: str) -> None:
    _renumber(_move(list(block.module.blocks.select_for_update()), block, direction))


@transaction.atomic
def block_reorder(*, module: Module, actor: Any, block_ids: Sequence[int]) -> None:
    """Put the module's blocks in the order given (every block exactly once)."""
    blocks = {block.pk: block for block in module.blocks.select_for_update()}
    if sorted(block_ids) != sorted(blocks):
        raise ApplicationError(
            "order", _("The new order must list every block of the module once."), field="order"
        )
    _renumber([blocks[block_id] for block_id in block_ids])


@transaction.atomic
def block_delete(*, block: Block, actor: Any) -> None:
    module = block.module
    audit_record(
        action="learning.block_delete",
        actor=actor,
        organisation=module.course.organisation,
        data={"kind": block.kind, "key": block.key},
    )
    block.delete()
    _renumber(list(module.blocks.all()))


# --- quizzes ----------------------------------------------------------------------------


def _quiz_values(values: dict[str, Any]) -> dict[str, Any]:
    pass_mark = int(values.get("pass_mark") or 0)
    if not 0 <= pass_mark <= 100:
        raise ApplicationError(
            "pass_mark", _("The pass mark is a percentage from 0 to 100."), field="pass_mark"
        )
    draw = int(values.get("questions_per_attempt") or 0)
    if draw < 1:
        raise ApplicationError(
            "draw", _("Draw at least one question per attempt."), field="questions_per_attempt"
        )
    attempts = int(values.get("max_attempts") or 0)
    if attempts < 0:
        raise ApplicationError("attempts", _("Enter 0 or more."), field="max_attempts")
    return {
        "title": _required(values, "title", _("Give the quiz a title.")),
        "pass_mark": pass_mark,
        "questions_per_attempt": draw,
        "max_attempts": attempts,
    }


@transaction.atomic
def quiz_create(*, course: Course, actor: Any, values: dict[str, Any]) -> Quiz:
    quiz = Quiz.objects.create(course=course, **_quiz_values(values))
    audit_record(
        action="learning.quiz_create", actor=actor, organisation=course.organisation, target=quiz
    )
    return quiz


@transaction.atomic
def quiz_update(*, quiz: Quiz, actor: Any, values: dict[str, Any]) -> Quiz:
    for name, value in _quiz_values(values).items():
        setattr(quiz, name, value)
    quiz.save()
    audit_record(
        action="learning.quiz_update",
        actor=actor,
        organisation=quiz.course.organisation,
        target=quiz,
    )
    return quiz


def _question_values(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    if kind not in QuestionKind.values:
        raise ApplicationError("kind", _("Unknown kind of question."), field="kind")
    prompt = _required(values, "prompt", _("Write the question."))
    choices: list[dict[str, Any]] = []
    accepted: list[str] = []
    if kind == QuestionKind.TRUE_FALSE:
        answer = str(values.get("answer") or "")
        if answer not in ("true", "false"):
            raise ApplicationError("answer", _("Choose the right answer."), field="answer")
        choices = [
            {"key": "true", "text": str(_("True")), "correct": answer == "true"},
            {"key": "false", "text": str(_("False")), "correct": answer == "false"},
        ]
    elif kind == QuestionKind.SHORT:
        accepted = [a.strip() for a in values.get("accepted_answers") or [] if a.strip()]
        if not accepted:
            raise ApplicationError(
                "accepted", _("Give at least one accepted answer."), field="accepted_answers"
            )
    else:
        for row in values.get("choices") or []:
            text = str(row.get("text") or "").strip()
            if text:
                choices.append(
                    {
                        "key": str(row.get("key") or new_key())[:12],
                        "text": text[:500],
                        "correct": bool(row.get("correct")),
                    }
                )
        if len(choices) < 2:
            raise ApplicationError("choices", _("Give at least two choices."), field="choices")
        correct = sum(1 for c in choices if c["correct"])
        if kind == QuestionKind.SINGLE and correct != 1:
            raise ApplicationError(
                "choices", _("Mark exactly one choice as correct."), field="choices"
            )
        if kind == QuestionKind.MULTIPLE and correct < 1:
            raise ApplicationError(
                "choices", _("Mark at least one choice as correct."), field="choices"
            )
        if kind == QuestionKind.ORDERING:
            choices = [{**c, "correct": False} for c in choices]
    return {
        "prompt": prompt,
        "feedback": str(values.get("feedback") or ""),
        "choices": choices,
        "accepted_answers": accepted,
    }


@transaction.atomic
def question_create(*, quiz: Quiz, actor: Any, kind: str, values: dict[str, Any]) -> Question:
    clean = _question_values(kind, values)
    question = Question.objects.create(
        quiz=quiz, kind=kind, position=_next_position(quiz.questions), **clean
    )
    audit_record(
        action="learning.question_create",
        actor=actor,
        organisation=quiz.course.organisation,
        target=question,
    )
    return question


@transaction.atomic
def question_update(*, question: Question, actor: Any, values: dict[str, Any]) -> Question:
    for name, value in _question_values(question.kind, values).items():
        setattr(question, name, value)
    question.save()
    audit_record(
        action="learning.question_update",
        actor=actor,
        organisation=question.quiz.course.organisation,
        target=question,
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, actor: Any) -> None:
    quiz = question.quiz
    audit_record(
        action="learning.question_delete",
        actor=actor,
        organisation=quiz.course.organisation,
        data={"key": question.key},
    )
    question.delete()
    _renumber(list(quiz.questions.all()))
