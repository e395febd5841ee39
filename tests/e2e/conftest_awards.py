"""Setup for the stacked-award journey: two short courses (made through the learning services)
assigned to the learner, each with an enabled award rule."""

from __future__ import annotations

from typing import Any

from microcred.rules import CourseCompleted


def two_courses_with_rules(org: Any, admin: Any, learner: Any) -> tuple[Any, Any]:
    from microcred_web.achievements import services as achievements
    from microcred_web.awards import services as awards
    from microcred_web.learning import progress
    from microcred_web.learning import services as learning
    from microcred_web.orgs.models import Membership

    made = []
    for course_title, name in (("Lifting basics", "Lifting"), ("Racking basics", "Racking")):
        course = learning.course_create(
            organisation=org,
            actor=admin,
            values={
                "title": course_title,
                "summary": f"{course_title} in five minutes.",
                "language": "en",
                "duration_minutes": 5,
                "credits": "1",
            },
        )
        module = learning.module_create(course=course, actor=admin, title="The one module")
        learning.block_create(module=module, actor=admin, kind="text", values={"body": "Read."})
        learning.course_publish(course=course, actor=admin)
        course.refresh_from_db()
        progress.enrolment_assign(
            organisation=org,
            actor=admin,
            course=course,
            memberships=[Membership.objects.get(organisation=org, user=learner)],
            due_date=None,
        )
        achievement = achievements.achievement_create(
            organisation=org,
            actor=admin,
            values={
                "name": name,
                "description": f"{name}: earned by learning.",
                "criteria": "Meets the award rule.",
                "achievement_type": "Badge",
            },
        )
        achievements.achievement_publish(achievement=achievement, actor=admin)
        achievement.refresh_from_db()
        awards.award_rule_save(
            organisation=org,
            achievement=achievement,
            rule=CourseCompleted(f"course:{course.public_id}", course.title),
            actor=admin,
            enabled=True,
        )
        made.append(achievement)
    return made[0], made[1]


def course_with_quiz(org: Any, admin: Any, learner: Any) -> Any:
    """ "Safe lifting": two modules, the second ending with "Forklift quiz" (pass mark 80%),
    published and assigned to the learner."""
    from microcred_web.learning import progress
    from microcred_web.learning import services as learning
    from microcred_web.orgs.models import Membership

    course = learning.course_create(
        organisation=org,
        actor=admin,
        values={
            "title": "Safe lifting",
            "summary": "Lift safely.",
            "language": "en",
            "duration_minutes": 24,
            "credits": "2",
        },
    )
    quiz = learning.quiz_create(
        course=course,
        actor=admin,
        values={
            "title": "Forklift quiz",
            "pass_mark": 80,
            "questions_per_attempt": 2,
            "max_attempts": 3,
        },
    )
    learning.question_create(
        quiz=quiz,
        actor=admin,
        kind="single",
        values={
            "prompt": "Most you may lift alone?",
            "choices": [{"text": "25 kg", "correct": True}, {"text": "60 kg"}, {"text": "90 kg"}],
        },
    )
    learning.question_create(
        quiz=quiz,
        actor=admin,
        kind="true_false",
        values={"prompt": "Twist at the waist while carrying?", "answer": "false"},
    )
    one = learning.module_create(course=course, actor=admin, title="Before you lift")
    learning.block_create(module=one, actor=admin, kind="text", values={"body": "Plan the route."})
    two = learning.module_create(course=course, actor=admin, title="Lifting")
    learning.block_create(module=two, actor=admin, kind="text", values={"body": "Bend knees."})
    learning.block_create(module=two, actor=admin, kind="quiz", values={"quiz_id": quiz.pk})
    learning.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    progress.enrolment_assign(
        organisation=org,
        actor=admin,
        course=course,
        memberships=[Membership.objects.get(organisation=org, user=learner)],
        due_date=None,
    )
    return course
