"""Helpers of the assessed-result tests: a rubric assessment accepted through the real
services, and a course with a quiz whose questions the learner answers (a uniquely named
module: conftest names collide when several test folders run together)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred_web.assessments import definitions
from microcred_web.assessments import services as assessment_services
from microcred_web.learning import progress
from microcred_web.learning import services as learning
from microcred_web.learning.models import Enrolment, Quiz
from microcred_web.orgs.models import Membership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RUBRIC = [("Not yet", "Unsafe", 0), ("Competent", "Safe", 2), ("Expert", "Coaches", 3)]


def rubric_requirement(world, achievement, titles=("Plans the lift", "Uses the equipment")):
    admin = world.people["admin"]
    requirement = definitions.requirement_create(
        organisation=world.org,
        actor=admin,
        achievement=achievement,
        kind="portfolio",
        title="Forklift portfolio",
    )
    for title in titles:
        definitions.criterion_add(requirement=requirement, actor=admin, title=title, levels=RUBRIC)
    return requirement


def accept(world, requirement, learner, level_titles: dict[str, str], capture) -> Any:
    """Learner submits, the assessor takes and accepts it with the rubric levels named by
    criterion title (the on-commit tasks run)."""
    assessor = world.people["assessor"]
    with capture(execute=True):
        assessment = assessment_services.assessment_start(requirement=requirement, learner=learner)
        assessment_services.evidence_file_add(
            assessment=assessment,
            actor=learner,
            upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        )
        assessment_services.assessment_draft_save(
            assessment=assessment,
            actor=learner,
            reflections={str(c.public_id): f"I did {c.title}" for c in requirement.criteria.all()},
            links=[],
            make_public=False,
        )
        assessment_services.assessment_submit(assessment=assessment, actor=learner)
        assessment_services.assessment_assign(
            assessment=assessment, actor=assessor, assessor=assessor
        )
    levels = {}
    for criterion in requirement.criteria.all():
        wanted = level_titles.get(criterion.title, "Competent")
        levels[str(criterion.public_id)] = str(criterion.levels.get(title=wanted).public_id)
    assessment.refresh_from_db()
    with capture(execute=True):
        assessment_services.assessment_review(
            assessment=assessment, actor=assessor, decision="competent", levels=levels, feedback={}
        )
    assessment.refresh_from_db()
    return assessment


def quiz_course(world, prompts=("Q1", "Q2", "Q3", "Q4", "Q5")) -> tuple[Any, Quiz]:
    admin = world.people["admin"]
    course = learning.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": "Stock counts", "summary": "Count stock.", "duration_minutes": 90},
    )
    quiz = learning.quiz_create(
        course=course,
        actor=admin,
        values={
            "title": "Stock check",
            "pass_mark": 60,
            "questions_per_attempt": len(prompts),
            "max_attempts": 0,
        },
    )
    for prompt in prompts:
        learning.question_create(
            quiz=quiz,
            actor=admin,
            kind="single",
            values={
                "prompt": prompt,
                "choices": [{"text": "Yes", "correct": True}, {"text": "No"}],
            },
        )
    module = learning.module_create(course=course, actor=admin, title="Counting")
    learning.block_create(module=module, actor=admin, kind="quiz", values={"quiz_id": quiz.pk})
    learning.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    return course, quiz


def take_quiz(world, course, quiz, learner, wrong: set[str], capture) -> Any:
    """One attempt: every question right except the prompts in ``wrong``."""
    enrolment = Enrolment.objects.filter(course=course, user=learner).first()
    if enrolment is None:
        progress.enrolment_assign(
            organisation=world.org,
            actor=world.people["admin"],
            course=course,
            memberships=[Membership.objects.get(organisation=world.org, user=learner)],
            due_date=None,
        )
        enrolment = Enrolment.objects.get(course=course, user=learner)
    with capture(execute=True):
        attempt = progress.quiz_attempt_start(
            enrolment=enrolment, quiz_public_id=str(quiz.public_id), language="en"
        )
        answers = {
            f"q{i}": "wrong" if q["prompt"] in wrong else q["correct"][0]
            for i, q in enumerate(attempt.questions)
        }
        return progress.quiz_attempt_submit(attempt=attempt, answers=answers)
