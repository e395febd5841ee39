"""Demo content for Northwind Logistics: a published "Safe manual handling" course with a quiz,
assigned to the Warehouse Operations team, a few learners part-way. Idempotent: the course is
found by title; if it exists, nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.learning import progress, services
from microcred_web.learning.machine.apertium import apertium_mode
from microcred_web.learning.models import (
    Course,
    Enrolment,
    MachineEngine,
    MachineTranslationService,
    QuizAttempt,
)
from microcred_web.learning.translation import SERVICE, course_translate_machine
from microcred_web.orgs.models import Organisation, Team

ORG_SLUG = "northwind"
AUTHOR_EMAIL = "admin@northwind.example"
TEAM = "Warehouse Operations"
TITLE = "Safe manual handling"

MODULE_ONE = (
    "Before you lift",
    [
        (
            "text",
            {
                "body": "Most back injuries at work come from **lifting, carrying and "
                "pushing**. In this module you learn the *TILE* check:\n\n"
                "- **T**ask — what needs doing?\n- **I**ndividual — are you fit for it?\n"
                "- **L**oad — how heavy, how awkward?\n- **E**nvironment — floor, space, light?"
            },
        ),
        (
            "callout",
            {
                "style": "warning",
                "body": "Never lift more than **25 kg** alone. "
                "Use a pallet truck or ask a colleague.",
            },
        ),
        (
            "text",
            {
                "body": "Plan the route first: clear obstacles and open doors before you pick "
                "anything up."
            },
        ),
    ],
)
MODULE_TWO = (
    "Lifting and carrying",
    [
        (
            "text",
            {
                "body": "1. Stand close to the load, feet apart.\n2. Bend your knees, keep "
                "your back straight.\n3. Get a firm grip, lift smoothly with your legs.\n"
                "4. Keep the load close to your waist; turn with your feet, never twist."
            },
        ),
        ("callout", {"style": "tip", "body": "Push rather than pull whenever you can."}),
    ],
)
QUESTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "single",
        {
            "prompt": "What is the most you should lift alone?",
            "choices": [
                {"text": "25 kg", "correct": True},
                {"text": "40 kg"},
                {"text": "As much as you can"},
            ],
            "feedback": "25 kg is the guideline maximum for one person in good conditions.",
        },
    ),
    (
        "true_false",
        {
            "prompt": "You should twist at the waist to turn while carrying.",
            "answer": "false",
            "feedback": "Turn with your feet; twisting loads the spine.",
        },
    ),
    (
        "multiple",
        {
            "prompt": "Which are part of the TILE check?",
            "choices": [
                {"text": "Task", "correct": True},
                {"text": "Load", "correct": True},
                {"text": "Insurance"},
                {"text": "Environment", "correct": True},
            ],
        },
    ),
    (
        "short",
        {
            "prompt": "Which body part should do the lifting work?",
            "accepted_answers": ["legs", "your legs", "the legs"],
        },
    ),
    (
        "ordering",
        {
            "prompt": "Put the lifting steps in order.",
            "choices": [
                {"text": "Stand close to the load"},
                {"text": "Bend your knees"},
                {"text": "Get a firm grip"},
                {"text": "Lift with your legs"},
            ],
        },
    ),
)


def _answers_that_pass(attempt: QuizAttempt) -> dict[str, Any]:
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


#: Vimeo's own sample film (privacy-enhanced player, shown only after the learner agrees)
DEMO_VIDEO = "https://vimeo.com/76979871"


@transaction.atomic
def _build(organisation: Organisation, author: User) -> Course:
    course = services.course_create(
        organisation=organisation,
        actor=author,
        values={
            "title": TITLE,
            "summary": "Lift, carry and move loads without hurting yourself or others.",
            "language": "en",
            "duration_minutes": 24,
            "credits": "1.5",
            "self_enrol": True,
        },
    )
    quiz = services.quiz_create(
        course=course,
        actor=author,
        values={
            "title": "Manual handling check",
            "pass_mark": 80,
            "questions_per_attempt": 4,
            "max_attempts": 3,
        },
    )
    for kind, values in QUESTIONS:
        services.question_create(quiz=quiz, actor=author, kind=kind, values=values)
    for title, blocks in (MODULE_ONE, MODULE_TWO):
        module = services.module_create(course=course, actor=author, title=title)
        for kind, values in blocks:
            services.block_create(module=module, actor=author, kind=kind, values=values)
    last = course.modules.order_by("-position").first()
    assert last is not None
    services.block_create(module=last, actor=author, kind="quiz", values={"quiz_id": quiz.pk})
    services.course_publish(course=course, actor=author)
    # version 2 adds a video: the demo shows a version diff and a consent-first embed
    first = course.modules.order_by("position").first()
    assert first is not None
    services.block_create(
        module=first,
        actor=author,
        kind="video",
        values={"url": DEMO_VIDEO, "caption": "A short film to watch before you lift"},
    )
    services.course_publish(course=course, actor=author)
    course.refresh_from_db()
    return course


def _machine_translation(organisation: Organisation, author: User, course: Course) -> None:
    """Apertium en→es as the organisation's engine; with Apertium installed, a Spanish
    machine draft of the course awaiting review."""
    if not MachineTranslationService.objects.filter(organisation=organisation).exists():
        MachineTranslationService.objects.create(
            organisation=organisation, engine=MachineEngine.APERTIUM, language_pairs=[["en", "es"]]
        )
    if "es" not in (course.translations or {}) and apertium_mode("en", "es") is not None:
        course_translate_machine(
            course=course, actor=author, backend_name=SERVICE, target_language="es"
        )


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    author = User.objects.filter(email=AUTHOR_EMAIL).first()
    team = Team.objects.filter(organisation=organisation, name=TEAM).first()
    if organisation is None or author is None or team is None:
        return {}
    course = Course.objects.filter(organisation=organisation, title=TITLE).first()
    if course is None:
        course = _build(organisation, author)
        progress.enrolment_assign(
            organisation=organisation,
            actor=author,
            course=course,
            memberships=list(team.members.filter(is_active=True)),
            due_date=timezone.localdate() + timedelta(days=14),
            team=team,
            notify=False,  # seeded history: nobody is told at load time
        )
        enrolments = {
            e.user.email: e for e in Enrolment.objects.filter(course=course).select_related("user")
        }
        first_module = course.modules.order_by("position").first()
        assert first_module is not None
        for email in ("learner@northwind.example", "bjorn.andersson@northwind.example"):
            if email in enrolments:
                progress.module_complete(enrolment=enrolments[email], module_key=first_module.key)
        finisher = enrolments.get("bjorn.andersson@northwind.example")
        if finisher is not None:
            second = course.modules.order_by("position").last()
            assert second is not None
            progress.module_complete(enrolment=finisher, module_key=second.key)
            attempt = progress.quiz_attempt_start(
                enrolment=finisher,
                quiz_public_id=str(course.quizzes.get().public_id),
                language="en",
            )
            progress.quiz_attempt_submit(attempt=attempt, answers=_answers_that_pass(attempt))
    _machine_translation(organisation, author, course)
    return {
        "courses": Course.objects.filter(organisation=organisation).count(),
        "enrolments": Enrolment.objects.filter(course=course).count(),
    }
