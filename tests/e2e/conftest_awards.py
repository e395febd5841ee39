"""Steps and setup for the award journeys.

- ``create_achievement(page, slug, name)`` defines and publishes an achievement through the UI
  and returns its path.
- ``add_condition(page, label, min_score=None)`` adds a condition at the top of the rule
  builder (the page must be open).
- ``two_courses_with_rules(org, admin, learner)`` is the stacked journey's precondition: two
  short courses (made through the learning services) assigned to the learner, each with an
  enabled award rule.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from microcred.rules import CourseCompleted


def create_achievement(page: Page, slug: str, name: str) -> str:
    """Define and publish an achievement through the achievement pages; return its path."""
    page.goto(f"/o/{slug}/achievements/new/")
    page.locator("#id_name").fill(name)
    page.locator("#id_description").fill(f"{name}: earned by learning.")
    page.locator("#id_criteria").fill("Meets the **award rule**.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(name)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#achievement-status")).to_have_text("Published")
    return re.sub(r"^https?://[^/]+", "", page.url)


def add_condition(page: Page, label: str, *, min_score: int | None = None) -> None:
    """Choose ``label`` in the builder's top-level "Condition" list and add it."""
    page.locator('[data-testid="condition-root"]').select_option(label=label)
    if min_score is not None:
        page.locator("#rule-builder").get_by_label("Minimum score % (quizzes)").last.fill(
            str(min_score)
        )
    page.locator("#rule-builder").get_by_role("button", name="Add condition").last.click()


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
