"""Demo content: an award rule on a demo achievement, using the learning demo course.

"Warehouse Team Lead" is issued automatically to whoever completes "Safe manual handling",
scores at least 80% in its quiz and holds "Forklift Safety Level 1" (stacking). Runs after the
issuing and learning demos (see ``orgs.demo.DEMO_CONTENT``); running it again changes nothing.
"""

from __future__ import annotations

from microcred.rules import AllOf, Condition, CourseCompleted, CredentialHeld, QuizPassed
from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.awards import services
from microcred_web.awards.models import AwardRule
from microcred_web.learning.models import Course
from microcred_web.orgs.models import Organisation

ORG_SLUG = "northwind"
AUTHOR_EMAIL = "admin@northwind.example"
COURSE_TITLE = "Safe manual handling"
NAME = "Warehouse Team Lead"
STACKED_ON = "Forklift Safety Level 1"


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    author = User.objects.filter(email=AUTHOR_EMAIL).first()
    if organisation is None or author is None:
        return {}
    course = Course.objects.filter(organisation=organisation, title=COURSE_TITLE).first()
    if course is None:
        return {}
    achievement = Achievement.objects.filter(organisation=organisation, name=NAME).first()
    forklift = Achievement.objects.filter(organisation=organisation, name=STACKED_ON).first()
    if achievement is None or achievement.current_version_id is None:
        return {}
    if not AwardRule.objects.filter(achievement=achievement).exists():
        conditions: list[Condition] = [CourseCompleted(f"course:{course.public_id}", course.title)]
        quiz = course.quizzes.order_by("pk").first()
        if quiz is not None:
            conditions.append(QuizPassed(f"quiz:{quiz.public_id}", quiz.title, 80))
        if forklift is not None:
            conditions.append(CredentialHeld(f"achievement:{forklift.public_id}", forklift.name))
        services.award_rule_save(
            organisation=organisation,
            achievement=achievement,
            rule=AllOf(tuple(conditions)),
            actor=author,
            enabled=True,
        )
    return {"award_rules": AwardRule.objects.filter(organisation=organisation).count()}
