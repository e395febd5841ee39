from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from microcred_web.accounts.models import User
from microcred_web.learning import services
from microcred_web.learning.models import Course, Module, Quiz
from microcred_web.orgs import services as org_services
from microcred_web.orgs.models import Membership, Organisation, Team

SECRET_ANSWER = "platypus-underwater-7"


@dataclass
class Setup:
    org: Organisation
    admin: User
    learner: User
    manager: User
    team: Team
    course: Course
    quiz: Quiz
    modules: list[Module]


def answers_that_pass(attempt: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for index, question in enumerate(attempt.questions):
        name = f"q{index}"
        if question["kind"] == "short":
            answers[name] = question["accepted"][0]
        elif question["kind"] in ("multiple", "ordering"):
            answers[name] = list(question["correct"])
        else:
            answers[name] = question["correct"][0]
    return answers


def build_course(org: Organisation, author: User, *, publish: bool = True) -> tuple[Course, Quiz]:
    course = services.course_create(
        organisation=org,
        actor=author,
        values={
            "title": "Safe lifting",
            "summary": "Lift safely.",
            "language": "en",
            "duration_minutes": 24,
            "credits": "2.5",
        },
    )
    quiz = services.quiz_create(
        course=course,
        actor=author,
        values={
            "title": "Lifting check",
            "pass_mark": 80,
            "questions_per_attempt": 3,
            "max_attempts": 2,
        },
    )
    services.question_create(
        quiz=quiz,
        actor=author,
        kind="single",
        values={
            "prompt": "Most you lift alone?",
            "choices": [{"text": "25 kg", "correct": True}, {"text": "60 kg"}, {"text": "90 kg"}],
            "feedback": "Feedback-after-submission-only",
        },
    )
    services.question_create(
        quiz=quiz,
        actor=author,
        kind="short",
        values={"prompt": "Secret word?", "accepted_answers": [SECRET_ANSWER]},
    )
    services.question_create(
        quiz=quiz, actor=author, kind="true_false", values={"prompt": "Twist?", "answer": "false"}
    )
    one = services.module_create(course=course, actor=author, title="Before you lift")
    services.block_create(
        module=one, actor=author, kind="text", values={"body": "Plan the **route** first."}
    )
    services.block_create(
        module=one,
        actor=author,
        kind="callout",
        values={"style": "warning", "body": "Never more than 25 kg."},
    )
    two = services.module_create(course=course, actor=author, title="Lifting")
    services.block_create(module=two, actor=author, kind="text", values={"body": "Bend knees."})
    services.block_create(module=two, actor=author, kind="quiz", values={"quiz_id": quiz.pk})
    if publish:
        services.course_publish(course=course, actor=author)
        course.refresh_from_db()
    return course, quiz


@pytest.fixture
def setup(make_org, make_member) -> Setup:
    org = make_org("acme", "Acme Training")
    admin = make_member(org, "admin", "issuer", email="admin@acme.example", name="Ada Admin")
    learner = make_member(org, "learner", email="lee@acme.example", name="Lee Learner")
    manager = make_member(org, "manager", email="max@acme.example", name="Max Manager")
    team = org_services.team_create(
        organisation=org,
        name="Warehouse",
        managers=[Membership.objects.get(organisation=org, user=manager)],
        members=[Membership.objects.get(organisation=org, user=learner)],
    )
    course, quiz = build_course(org, admin)
    return Setup(org, admin, learner, manager, team, course, quiz, list(course.modules.all()))


@pytest.fixture
def enrol(setup) -> Callable[..., Any]:
    from microcred_web.learning import progress

    def make(user: User | None = None) -> Any:
        progress.enrolment_assign(
            organisation=setup.org,
            actor=setup.admin,
            course=setup.course,
            memberships=[
                Membership.objects.get(organisation=setup.org, user=user or setup.learner)
            ],
            due_date=None,
        )
        from microcred_web.learning.models import Enrolment

        return Enrolment.objects.get(course=setup.course, user=user or setup.learner)

    return make
