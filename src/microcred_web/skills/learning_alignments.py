"""Skills of courses, quiz questions and rubric criteria (issue 17 item 2).

The learning and assessments apps know nothing of skills: the alignment rows live here and
point at their objects. A course's skills make it an offer of its own in recommendations;
the skills of questions and criteria turn passed quizzes and accepted assessments into
*assessed result* evidence (:mod:`microcred_web.skills.assessed_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from microcred_web.assessments.models import Criterion
from microcred_web.common.services import audit_record
from microcred_web.learning.models import Course, Question
from microcred_web.orgs.models import Organisation
from microcred_web.skills.evidence import evidence_sync_later
from microcred_web.skills.models import CourseAlignment, CriterionAlignment, QuestionAlignment
from microcred_web.skills.services import _level, _skill_of

KINDS = ("course", "question", "criterion")


@dataclass(frozen=True)
class Target:
    """What is aligned: its kind, the object, words for it and where its editor is."""

    kind: str
    obj: Any
    title: str
    context: str
    back_url: str

    @property
    def model(self) -> type[CourseAlignment | QuestionAlignment | CriterionAlignment]:
        if self.kind == "course":
            return CourseAlignment
        return QuestionAlignment if self.kind == "question" else CriterionAlignment

    @property
    def filter(self) -> dict[str, Any]:
        return {self.kind: self.obj}


def _course(organisation: Organisation, object_id: int) -> Target | None:
    course = Course.objects.filter(organisation=organisation, pk=object_id).first()
    if course is None:
        return None
    url = reverse("learning:course_detail", args=[organisation.slug, course.pk])
    return Target("course", course, course.title, str(_("Course")), url)


def _question(organisation: Organisation, object_id: int) -> Target | None:
    question = (
        Question.objects.filter(quiz__course__organisation=organisation, pk=object_id)
        .select_related("quiz__course")
        .first()
    )
    if question is None:
        return None
    quiz = question.quiz
    url = reverse(
        "learning:question_edit", args=[organisation.slug, quiz.course_id, quiz.pk, question.pk]
    )
    title = question.prompt[:120]
    return Target("question", question, title, f"{quiz.course.title} · {quiz.title}", url)


def _criterion(organisation: Organisation, object_id: int) -> Target | None:
    criterion = (
        Criterion.objects.filter(requirement__organisation=organisation, pk=object_id)
        .select_related("requirement")
        .first()
    )
    if criterion is None:
        return None
    requirement = criterion.requirement
    url = reverse("assessments:requirement", args=[organisation.slug, requirement.pk])
    return Target("criterion", criterion, criterion.title, requirement.title, url)


def target_get(*, organisation: Organisation, kind: str, object_id: int) -> Target | None:
    """The object of ``kind`` in the organisation, or None (other organisations' too)."""
    finder = {"course": _course, "question": _question, "criterion": _criterion}.get(kind)
    return finder(organisation, object_id) if finder else None


def alignments_of(target: Target) -> list[Any]:
    return list(target.model.objects.filter(**target.filter).select_related("skill__framework"))


@transaction.atomic
def learning_alignment_set(
    *, organisation: Organisation, actor: Any, target: Target, rows: Sequence[tuple[Any, Any]]
) -> list[Any]:
    """Replace the skills of a course, question or criterion with ``rows`` (skill id, level).

    Questions and criteria feed assessed results: the organisation's evidence is re-synced
    after commit (people who passed earlier gain or lose those skills)."""
    wanted: dict[int, int] = {}
    for number, (skill_id, level) in enumerate(rows):
        field = f"alignments[{number}]"
        skill = _skill_of(organisation, skill_id, field)
        wanted[skill.pk] = _level(organisation, level, field)
    model = target.model
    model.objects.filter(**target.filter).exclude(skill_id__in=list(wanted)).delete()
    for skill_id, level in wanted.items():
        model.objects.update_or_create(
            **target.filter,
            skill_id=skill_id,
            defaults={"organisation": organisation, "level": level},
        )
    audit_record(
        action=f"skills.{target.kind}_alignment_set",
        actor=actor,
        organisation=organisation,
        target=target.obj,
        data={"skills": len(wanted)},
    )
    if target.kind != "course":
        evidence_sync_later(organisation=organisation)
    return alignments_of(target)


__all__ = ["KINDS", "Target", "alignments_of", "learning_alignment_set", "target_get"]
