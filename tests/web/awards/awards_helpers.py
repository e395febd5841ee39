"""Helpers for the award tests (a uniquely named module: conftest names collide).

Courses are made through the learning services; learning is recorded through the learning app's
record writer and signal (what its progress services do on completion)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from microcred.rules import Condition
from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.awards import services
from microcred_web.awards.models import AwardRule
from microcred_web.learning import services as learning
from microcred_web.learning.models import Course, Quiz, RecordFact
from microcred_web.learning.records import record_write
from microcred_web.learning.signals import learning_recorded_on_commit
from microcred_web.orgs.models import Organisation


def make_course(org: Organisation, author: User, title: str, credits: str = "2") -> Course:
    course = learning.course_create(
        organisation=org,
        actor=author,
        values={
            "title": title,
            "summary": f"{title} in short.",
            "language": "en",
            "duration_minutes": 24,
            "credits": credits,
        },
    )
    module = learning.module_create(course=course, actor=author, title="Basics")
    learning.block_create(module=module, actor=author, kind="text", values={"body": "Read me."})
    return course


def make_quiz(course: Course, author: User, title: str) -> Quiz:
    quiz = learning.quiz_create(
        course=course,
        actor=author,
        values={"title": title, "pass_mark": 80, "questions_per_attempt": 1, "max_attempts": 3},
    )
    learning.question_create(
        quiz=quiz,
        actor=author,
        kind="true_false",
        values={"prompt": "Twist while lifting?", "answer": "false"},
    )
    module = course.modules.first()
    assert module is not None
    learning.block_create(module=module, actor=author, kind="quiz", values={"quiz_id": quiz.pk})
    return quiz


def publish_course(course: Course, author: User) -> Course:
    learning.course_publish(course=course, actor=author)
    course.refresh_from_db()
    return course


def make_achievement(org: Organisation, author: User, name: str) -> Achievement:
    achievement = achievement_services.achievement_create(
        organisation=org,
        actor=author,
        values={
            "name": name,
            "description": f"{name}, earned by learning.",
            "criteria": "Meets the **award rule**.",
            "achievement_type": "Badge",
        },
    )
    achievement_services.achievement_publish(achievement=achievement, actor=author)
    achievement.refresh_from_db()
    return achievement


def set_rule(
    org: Organisation, achievement: Achievement, rule: Condition, actor: User
) -> AwardRule:
    return services.award_rule_save(
        organisation=org, achievement=achievement, rule=rule, actor=actor, enabled=True
    )


def complete_course(
    org: Organisation, user: User, course: Course, at: datetime | None = None
) -> None:
    with transaction.atomic():
        record_write(
            organisation=org,
            user=user,
            verb="http://adlnet.gov/expapi/verbs/completed",
            object_id=f"urn:test:course:{course.public_id}",
            object_name=course.title,
            course=course,
            fact=RecordFact.COURSE_COMPLETED,
            timestamp=at or timezone.now(),
        )
        learning_recorded_on_commit(organisation=org, user_ids=[user.pk])


def take_quiz(org: Organisation, user: User, quiz: Quiz, score: float) -> None:
    with transaction.atomic():
        record_write(
            organisation=org,
            user=user,
            verb="http://adlnet.gov/expapi/verbs/completed",
            object_id=f"urn:test:quiz:{quiz.public_id}",
            object_name=quiz.title,
            course=quiz.course,
            quiz=quiz,
            result={"score": {"raw": score, "max": 100}, "success": score >= 80},
            fact=RecordFact.QUIZ_COMPLETED,
        )
        learning_recorded_on_commit(organisation=org, user_ids=[user.pk])
