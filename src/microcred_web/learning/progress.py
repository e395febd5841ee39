"""Writes for learners' progress: assignments, enrolment, the player, quiz attempts.

Every event is appended to the learning record; completions and quiz attempts also send
:data:`~microcred_web.learning.signals.learning_recorded` once the transaction commits.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.learning import records
from microcred_web.learning.models import (
    Course,
    Enrolment,
    EnrolmentSource,
    QuestionKind,
    Quiz,
    QuizAttempt,
    RecordFact,
)
from microcred_web.learning.signals import learning_recorded_on_commit
from microcred_web.learning.snapshot import (
    Snapshot,
    localised_question,
    shown_language,
    snapshot_quiz,
)
from microcred_web.notifications.models import NotificationKind
from microcred_web.notifications.services import notification_send
from microcred_web.orgs.models import Membership, Organisation, Team

_random = random.SystemRandom()


def _published(course: Course) -> None:
    if not course.is_published:
        raise ApplicationError(
            "not_published", _("Publish the course before people can take it."), field="course"
        )


def _passed_quiz_keys(enrolment: Enrolment) -> list[str]:
    if enrolment.version is None:
        return []
    quizzes = {
        block["key"]
        for module in enrolment.version.snapshot["modules"]
        for block in module["blocks"]
        if block["kind"] == "quiz"
    }
    return [key for key in enrolment.completed_blocks or [] if key in quizzes]


@transaction.atomic
def enrolment_assign(
    *,
    organisation: Organisation,
    actor: User | None,
    course: Course,
    memberships: Iterable[Membership],
    due_date: date | None,
    team: Team | None = None,
    restart_finished: bool = False,
    notify: bool = True,
) -> tuple[int, int]:
    """Assign ``course`` to people (created, updated). Already-finished enrolments are kept,
    unless ``restart_finished`` (a refresher taken again): their progress starts over, while
    the learning record keeps the earlier completion. ``actor`` is None for the system."""
    _published(course)
    if due_date is not None and due_date < timezone.localdate():
        raise ApplicationError(
            "due_date", _("The due date cannot be in the past."), field="due_date"
        )
    created = updated = 0
    for membership in memberships:
        if membership.organisation_id != organisation.pk or not membership.is_active:
            continue
        enrolment, is_new = Enrolment.objects.get_or_create(
            course=course,
            user_id=membership.user_id,
            defaults={
                "organisation": organisation,
                "source": EnrolmentSource.ASSIGNED,
                "assigned_by": actor,
                "team": team,
                "due_date": due_date,
            },
        )
        if is_new:
            created += 1
            if notify:
                _assignment_notify(enrolment, course, actor, due_date)
        elif enrolment.completed_at is not None and restart_finished:
            # a passed quiz stays passed (attempts are per person); the content is done again
            enrolment.completed_blocks = _passed_quiz_keys(enrolment)
            enrolment.version = None
            enrolment.started_at = None
            enrolment.completed_at = None
            enrolment.due_date = due_date
            enrolment.assigned_by = actor
            enrolment.source = EnrolmentSource.ASSIGNED
            enrolment.team = team or enrolment.team
            enrolment.save()
            updated += 1
            if notify:
                _assignment_notify(enrolment, course, actor, due_date)
        elif enrolment.completed_at is None:
            enrolment.due_date = due_date
            enrolment.assigned_by = actor
            enrolment.source = EnrolmentSource.ASSIGNED
            enrolment.team = team or enrolment.team
            enrolment.save(update_fields=["due_date", "assigned_by", "source", "team"])
            updated += 1
    audit_record(
        action="learning.course_assign",
        actor=actor,
        organisation=organisation,
        target=course,
        data={
            "created": created,
            "updated": updated,
            "team": team.name if team else "",
            "due_date": due_date.isoformat() if due_date else "",
        },
    )
    return created, updated


def _assignment_notify(
    enrolment: Enrolment, course: Course, actor: User | None, due_date: date | None
) -> None:
    """Tell the person about a new assignment (once: a re-assignment of an unfinished course
    only moves its due date)."""
    notification_send(
        organisation=enrolment.organisation,
        user=enrolment.user,
        kind=NotificationKind.ASSIGNED,
        title=_("Course assigned: %(course)s") % {"course": course.title},
        url=reverse(
            "learning:player",
            kwargs={"slug": enrolment.organisation.slug, "enrolment_id": enrolment.pk},
        ),
        email_template="learning/email/course_assigned",
        email_context={
            "course": course,
            "due_date": due_date,
            "assigned_by": (actor.display_name or actor.email) if actor is not None else "",
        },
    )


@transaction.atomic
def enrolment_self(*, organisation: Organisation, user: User, course: Course) -> Enrolment:
    _published(course)
    existing = Enrolment.objects.filter(course=course, user=user).first()
    if existing is not None:
        return existing
    if not course.self_enrol:
        raise ApplicationError(
            "self_enrol", _("This course is by assignment only."), field="course", status=403
        )
    enrolment = Enrolment.objects.create(
        organisation=organisation, course=course, user=user, source=EnrolmentSource.SELF
    )
    audit_record(action="learning.self_enrol", actor=user, organisation=organisation, target=course)
    return enrolment


def enrolment_snapshot(enrolment: Enrolment) -> Snapshot:
    """The version the learner takes: the pinned one, else the course's current version."""
    version = enrolment.version or enrolment.course.current_version
    if version is None:
        raise ApplicationError("not_published", _("This course is not published."))
    return dict(version.snapshot)


def block_keys(snapshot: Snapshot) -> list[str]:
    return [block["key"] for module in snapshot["modules"] for block in module["blocks"]]


def progress_percent(enrolment: Enrolment, snapshot: Snapshot | None = None) -> int:
    if enrolment.completed_at is not None:
        return 100
    version = enrolment.version or enrolment.course.current_version
    if snapshot is None and version is None:
        return 0
    keys = block_keys(snapshot if snapshot is not None else version.snapshot)  # type: ignore[union-attr]
    if not keys:
        return 0
    done = set(enrolment.completed_blocks or [])
    return round(100 * sum(1 for key in keys if key in done) / len(keys))


@transaction.atomic
def enrolment_start(*, enrolment: Enrolment) -> Enrolment:
    """Pin the current version for the learner (once) and record that they started."""
    enrolment = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
    if enrolment.version_id is not None:
        return enrolment
    course = enrolment.course
    _published(course)
    enrolment.version = course.current_version
    enrolment.started_at = enrolment.started_at or timezone.now()
    enrolment.save(update_fields=["version", "started_at"])
    records.record_write(
        organisation=enrolment.organisation,
        user=enrolment.user,
        verb=records.VERB_ATTEMPTED,
        object_id=records.course_iri(course.public_id),
        object_name=course.title,
        object_type=records.TYPE_COURSE,
        course=course,
    )
    return enrolment


def _complete_if_done(enrolment: Enrolment, snapshot: Snapshot) -> bool:
    if enrolment.completed_at is not None:
        return False
    done = set(enrolment.completed_blocks or [])
    if not all(key in done for key in block_keys(snapshot)):
        return False
    course = enrolment.course
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    records.record_write(
        organisation=enrolment.organisation,
        user=enrolment.user,
        verb=records.VERB_COMPLETED,
        object_id=records.course_iri(course.public_id),
        object_name=course.title,
        object_type=records.TYPE_COURSE,
        course=course,
        result={"completion": True},
        fact=RecordFact.COURSE_COMPLETED,
    )
    learning_recorded_on_commit(organisation=enrolment.organisation, user_ids=[enrolment.user_id])
    return True


@transaction.atomic
def module_complete(*, enrolment: Enrolment, module_key: str) -> bool:
    """Mark the module's content blocks done (quizzes count once passed). True when this
    finished the course."""
    enrolment = enrolment_start(enrolment=enrolment)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("course", "user").get(pk=enrolment.pk)
    )
    snapshot = enrolment_snapshot(enrolment)
    module = next((m for m in snapshot["modules"] if m["key"] == module_key), None)
    if module is None:
        raise ApplicationError("module", _("No such module in this course."), status=404)
    done = list(enrolment.completed_blocks or [])
    course = enrolment.course
    for block in module["blocks"]:
        if block["kind"] == "quiz" or block["key"] in done:
            continue
        done.append(block["key"])
        records.record_write(
            organisation=enrolment.organisation,
            user=enrolment.user,
            verb=records.VERB_COMPLETED,
            object_id=records.block_iri(course.public_id, block["key"]),
            object_type=records.TYPE_LESSON,
            course=course,
        )
    enrolment.completed_blocks = done
    enrolment.save(update_fields=["completed_blocks"])
    return _complete_if_done(enrolment, snapshot)


# --- quizzes ------------------------------------------------------------------------------


def attempts_left(quiz_spec: dict[str, Any], used: int) -> int | None:
    limit = int(quiz_spec.get("max_attempts") or 0)
    return None if limit == 0 else max(0, limit - used)


def _draw(quiz_spec: dict[str, Any], language: str) -> list[dict[str, Any]]:
    bank = list(quiz_spec["questions"])
    chosen = _random.sample(bank, min(int(quiz_spec["draw"]), len(bank)))
    drawn = []
    for question in chosen:
        question = localised_question(question, language)
        tokens = {choice["key"]: secrets.token_urlsafe(8) for choice in question["choices"]}
        choices = [{"token": tokens[c["key"]], "text": c["text"]} for c in question["choices"]]
        if question["kind"] != QuestionKind.TRUE_FALSE:
            _random.shuffle(choices)
        if question["kind"] == QuestionKind.ORDERING:
            correct = [tokens[c["key"]] for c in question["choices"]]
        else:
            correct = [tokens[c["key"]] for c in question["choices"] if c.get("correct")]
        drawn.append(
            {
                "key": question["key"],
                "kind": question["kind"],
                "prompt": question["prompt"],
                "feedback": question.get("feedback", ""),
                "choices": choices,
                "correct": correct,
                "accepted": question.get("accepted_answers", []),
            }
        )
    return drawn


@transaction.atomic
def quiz_attempt_start(*, enrolment: Enrolment, quiz_public_id: str, language: str) -> QuizAttempt:
    """An open attempt for the learner (the existing one, or a new draw)."""
    enrolment = enrolment_start(enrolment=enrolment)
    snapshot = enrolment_snapshot(enrolment)
    spec = snapshot_quiz(snapshot, quiz_public_id)
    quiz = Quiz.objects.filter(public_id=quiz_public_id, course=enrolment.course).first()
    if spec is None or quiz is None:
        raise ApplicationError("quiz", _("No such quiz in this course."), status=404)
    attempts = list(
        QuizAttempt.objects.select_for_update().filter(quiz=quiz, user_id=enrolment.user_id)
    )
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    if any(a.passed for a in attempts):
        raise ApplicationError("passed", _("You have already passed this quiz."), field="quiz")
    left = attempts_left(spec, len(attempts))
    if left == 0:
        raise ApplicationError(
            "attempts", _("You have used all your attempts at this quiz."), field="quiz"
        )
    return QuizAttempt.objects.create(
        quiz=quiz,
        enrolment=enrolment,
        user_id=enrolment.user_id,
        number=len(attempts) + 1,
        questions=_draw(spec, shown_language(snapshot, language)),
    )


def normalise_answer(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _mark(question: dict[str, Any], answer: Any) -> bool:
    kind = question["kind"]
    correct = question["correct"]
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE):
        return isinstance(answer, str) and [answer] == correct
    if kind == QuestionKind.MULTIPLE:
        return (
            isinstance(answer, list)
            and set(answer) == set(correct)
            and len(answer) == len(set(answer))
        )
    if kind == QuestionKind.SHORT:
        accepted = {normalise_answer(a) for a in question["accepted"]}
        return isinstance(answer, str) and normalise_answer(answer) in accepted
    if kind == QuestionKind.ORDERING:
        return isinstance(answer, list) and answer == correct
    return False


def answers_from_post(attempt: QuizAttempt, data: Mapping[str, Any]) -> dict[str, Any]:
    """Read answers from a form: ``q<i>`` (choice token(s) or text), ``q<i>-<token>`` (ordering
    positions)."""
    answers: dict[str, Any] = {}
    getlist = getattr(data, "getlist", None)
    for index, question in enumerate(attempt.questions):
        name = f"q{index}"
        kind = question["kind"]
        if kind == QuestionKind.MULTIPLE:
            answers[name] = list(getlist(name) if getlist else data.get(name) or [])
        elif kind == QuestionKind.ORDERING:
            positions: dict[str, int] = {}
            for choice in question["choices"]:
                value = str(data.get(f"{name}-{choice['token']}") or "")
                positions[choice["token"]] = int(value) if value.isdigit() else 0
            ordered = sorted(positions, key=lambda token: positions[token])
            valid = sorted(positions.values()) == list(range(1, len(positions) + 1))
            answers[name] = ordered if valid else []
        else:
            answers[name] = str(data.get(name) or "")[:500]
    return answers


@transaction.atomic
def quiz_attempt_submit(*, attempt: QuizAttempt, answers: dict[str, Any]) -> QuizAttempt:
    """Score on the server, once. Records the result and, if passed, completes the quiz's
    blocks (which may complete the course)."""
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("quiz", "enrolment__course", "enrolment__user", "enrolment__organisation")
        .get(pk=attempt.pk)
    )
    if attempt.submitted_at is not None:
        raise ApplicationError(
            "submitted", _("This attempt has already been submitted."), field="attempt"
        )
    marks = {}
    for index, question in enumerate(attempt.questions):
        marks[f"q{index}"] = {"correct": _mark(question, answers.get(f"q{index}"))}
    total = len(attempt.questions) or 1
    score = round(100 * sum(1 for m in marks.values() if m["correct"]) / total, 1)
    enrolment = attempt.enrolment
    snapshot = enrolment_snapshot(enrolment)
    spec = snapshot_quiz(snapshot, str(attempt.quiz.public_id)) or {}
    passed = score >= int(spec.get("pass_mark", attempt.quiz.pass_mark))
    attempt.answers = answers
    attempt.marks = marks
    attempt.score = score
    attempt.passed = passed
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["answers", "marks", "score", "passed", "submitted_at"])
    records.record_write(
        organisation=enrolment.organisation,
        user=enrolment.user,
        verb=records.VERB_PASSED if passed else records.VERB_FAILED,
        object_id=records.quiz_iri(attempt.quiz.public_id),
        object_name=attempt.quiz.title,
        object_type=records.TYPE_ASSESSMENT,
        course=enrolment.course,
        quiz=attempt.quiz,
        result=records.score_result(score=score, passed=passed),
        fact=RecordFact.QUIZ_COMPLETED,
        timestamp=attempt.submitted_at,
    )
    if passed:
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        done = list(enrolment.completed_blocks or [])
        for module in snapshot["modules"]:
            for block in module["blocks"]:
                if block.get("quiz") == str(attempt.quiz.public_id) and block["key"] not in done:
                    done.append(block["key"])
        enrolment.completed_blocks = done
        enrolment.save(update_fields=["completed_blocks"])
        _complete_if_done(enrolment, snapshot)
    learning_recorded_on_commit(organisation=enrolment.organisation, user_ids=[enrolment.user_id])
    return attempt


@transaction.atomic
def enrolment_complete_imported(
    *, organisation: Organisation, user: User, course: Course, at: datetime
) -> Enrolment:
    """An imported completion: the person's enrolment (made if needed) is completed."""
    enrolment, _created = Enrolment.objects.select_for_update().get_or_create(
        course=course,
        user=user,
        defaults={
            "organisation": organisation,
            "source": EnrolmentSource.IMPORTED,
            "version": course.current_version,
            "started_at": at,
        },
    )
    if enrolment.completed_at is None:
        enrolment.completed_at = at
        enrolment.save(update_fields=["completed_at"])
    return enrolment
