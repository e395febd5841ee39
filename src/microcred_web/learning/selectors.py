"""Reads for learning. Every query takes the organisation explicitly.

``learning_facts`` and ``learning_choices`` are the contract the award-rule engine builds on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from microcred.rules.facts import COURSE_COMPLETED, QUIZ_COMPLETED, Fact
from microcred_web.learning.models import (
    Course,
    CourseStatus,
    Enrolment,
    LearningRecord,
    Module,
    Quiz,
    QuizAttempt,
    RecordFact,
)
from microcred_web.orgs.access import OrgContext
from microcred_web.orgs.models import Membership, Organisation, Role, Team


@dataclass(frozen=True)
class LearningChoice:
    ref: str
    label: str
    credits: float


def _score(result: Any) -> float | None:
    score = result.get("score") if isinstance(result, dict) else None
    if not isinstance(score, dict):
        return None
    if isinstance(score.get("raw"), int | float) and score.get("max", 100) == 100:
        return float(score["raw"])
    if isinstance(score.get("scaled"), int | float):
        return float(score["scaled"]) * 100
    return None


def learning_facts(
    *, organisation: Organisation, user_ids: Iterable[int] | None = None
) -> dict[int, list[Fact]]:
    """user id → facts: one COURSE_COMPLETED per completed course (the first completion),
    one QUIZ_COMPLETED per submitted (or imported) quiz attempt. One query."""
    queryset = LearningRecord.objects.filter(
        organisation=organisation,
        fact__in=[RecordFact.COURSE_COMPLETED, RecordFact.QUIZ_COMPLETED],
    )
    if user_ids is not None:
        queryset = queryset.filter(user_id__in=list(user_ids))
    rows = queryset.order_by("timestamp", "pk").values_list(
        "user_id",
        "fact",
        "course__public_id",
        "course__credits",
        "quiz__public_id",
        "result",
        "timestamp",
    )
    facts: dict[int, list[Fact]] = {}
    seen_courses: set[tuple[int, Any]] = set()
    for user_id, fact, course_id, credits, quiz_id, result, at in rows:
        if fact == RecordFact.COURSE_COMPLETED:
            if (user_id, course_id) in seen_courses:
                continue
            seen_courses.add((user_id, course_id))
            facts.setdefault(user_id, []).append(
                Fact(
                    kind=COURSE_COMPLETED,
                    ref=f"course:{course_id}",
                    at=at,
                    credits=float(credits or 0),
                )
            )
        elif quiz_id is not None:
            facts.setdefault(user_id, []).append(
                Fact(kind=QUIZ_COMPLETED, ref=f"quiz:{quiz_id}", at=at, score=_score(result))
            )
    return facts


def learning_choices(*, organisation: Organisation) -> dict[str, list[LearningChoice]]:
    """Published courses and their quizzes, for the rule builder's dropdowns."""
    courses = list(
        Course.objects.filter(
            organisation=organisation,
            status=CourseStatus.PUBLISHED,
            current_version__isnull=False,
        ).order_by("title")
    )
    quizzes = (
        Quiz.objects.filter(course__in=courses)
        .select_related("course")
        .order_by("course__title", "title")
    )
    return {
        "courses": [
            LearningChoice(f"course:{c.public_id}", c.title, float(c.credits)) for c in courses
        ],
        "quizzes": [
            LearningChoice(f"quiz:{q.public_id}", f"{q.title} ({q.course.title})", 0.0)
            for q in quizzes
        ],
    }


# --- authoring -------------------------------------------------------------------------------


def course_list(*, organisation: Organisation, status: str = "") -> QuerySet[Course]:
    queryset = Course.objects.filter(organisation=organisation).select_related("current_version")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def course_get(*, organisation: Organisation, course_id: int) -> Course | None:
    return course_list(organisation=organisation).filter(pk=course_id).first()


def module_get(*, course: Course, module_id: int) -> Module | None:
    return course.modules.filter(pk=module_id).first()


def quiz_get(*, course: Course, quiz_id: int) -> Quiz | None:
    return course.quizzes.filter(pk=quiz_id).first()


# --- learners and managers -------------------------------------------------------------------


def enrolment_list_for_user(*, organisation: Organisation, user_id: int) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(organisation=organisation, user_id=user_id)
        .select_related("course__current_version", "version")
        .order_by("completed_at", "due_date", "created_at")
    )


def enrolment_get_for_user(
    *, organisation: Organisation, user_id: int, enrolment_id: int
) -> Enrolment | None:
    return (
        Enrolment.objects.filter(organisation=organisation, user_id=user_id, pk=enrolment_id)
        .select_related("course__current_version", "version", "user", "organisation")
        .first()
    )


def enrolment_counts_for_user(
    *, organisation: Organisation, user_id: int, today: date | None = None
) -> tuple[int, int, int]:
    """(to finish, of those past their due date (:func:`is_overdue`), completed) — one query."""
    today = today or timezone.localdate()
    row = Enrolment.objects.filter(organisation=organisation, user_id=user_id).aggregate(
        open=Count("pk", filter=Q(completed_at__isnull=True)),
        overdue=Count("pk", filter=overdue_q(today)),
        done=Count("pk", filter=Q(completed_at__isnull=False)),
    )
    return row["open"], row["overdue"], row["done"]


def self_enrol_courses(*, organisation: Organisation, user_id: int) -> QuerySet[Course]:
    return (
        course_list(organisation=organisation, status=CourseStatus.PUBLISHED)
        .filter(self_enrol=True, current_version__isnull=False)
        .exclude(enrolments__user_id=user_id)
    )


def overdue_q(today: date) -> Q:
    """Enrolments past their due date and not completed: :func:`is_overdue` as a filter."""
    return Q(completed_at__isnull=True, due_date__lt=today)


def is_overdue(enrolment: Enrolment, today: date | None = None) -> bool:
    """The rule of :func:`overdue_q` for one enrolment already loaded."""
    today = today or timezone.localdate()
    return (
        enrolment.completed_at is None
        and enrolment.due_date is not None
        and (enrolment.due_date < today)
    )


def attempts_for(*, enrolment: Enrolment) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(enrolment=enrolment).select_related("quiz")


def assignable_members(*, ctx: OrgContext) -> QuerySet[Membership]:
    """Admins assign to anyone active; managers to the members of teams they manage."""
    queryset = Membership.objects.filter(
        organisation=ctx.organisation, is_active=True
    ).select_related("user")
    if not ctx.has(Role.ADMIN):
        queryset = queryset.filter(teams__managers=ctx.membership).distinct()
    return queryset.order_by("user__display_name", "user__email")


def assignable_teams(*, ctx: OrgContext) -> QuerySet[Team]:
    queryset = Team.objects.filter(organisation=ctx.organisation)
    if not ctx.has(Role.ADMIN):
        queryset = queryset.filter(managers=ctx.membership)
    return queryset.order_by("name")


def published_courses(*, organisation: Organisation) -> QuerySet[Course]:
    return course_list(organisation=organisation, status=CourseStatus.PUBLISHED).filter(
        current_version__isnull=False
    )


@dataclass
class TeamRow:
    membership: Membership
    enrolments: list[Enrolment]


def team_progress(*, ctx: OrgContext) -> list[tuple[Team, list[TeamRow]]]:
    """Each team the person manages (admins: all teams) × members × their enrolments."""
    teams = list(
        Team.objects.filter(organisation=ctx.organisation).order_by("name")
        if ctx.has(Role.ADMIN)
        else Team.objects.filter(organisation=ctx.organisation, managers=ctx.membership).order_by(
            "name"
        )
    )
    through = Team.members.through.objects.filter(team__in=teams).select_related("membership__user")
    members_by_team: dict[int, list[Membership]] = {}
    for link in through:
        if link.membership.is_active:
            members_by_team.setdefault(link.team_id, []).append(link.membership)
    user_ids = {m.user_id for ms in members_by_team.values() for m in ms}
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in (
        Enrolment.objects.filter(organisation=ctx.organisation, user_id__in=user_ids)
        .select_related("course__current_version", "version")
        .order_by("due_date", "course__title")
    ):
        enrolments.setdefault(enrolment.user_id, []).append(enrolment)
    result = []
    for team in teams:
        members = sorted(
            members_by_team.get(team.pk, []),
            key=lambda m: (m.user.display_name or m.user.email).casefold(),
        )
        result.append((team, [TeamRow(m, enrolments.get(m.user_id, [])) for m in members]))
    return result


def course_enrolment_counts(*, course: Course) -> dict[str, int]:
    enrolments = Enrolment.objects.filter(course=course)
    return {
        "enrolled": enrolments.count(),
        "completed": enrolments.filter(completed_at__isnull=False).count(),
        "overdue": enrolments.filter(
            Q(completed_at__isnull=True) & Q(due_date__lt=timezone.localdate())
        ).count(),
    }
