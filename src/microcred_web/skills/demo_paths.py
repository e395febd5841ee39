"""Demo recommendations and career path for Northwind (after the skills demo).

Adds what the warehouse team lead role needs and nothing yet covered: a "Stock control
essentials" course whose completion earns "Stock Control Practitioner" (aligned to *Perform
stock control* at level 3), and the career step Warehouse operative → Warehouse team lead.
Zoë and Björn, who aim to lead, then see recommendations with reasons and a path of steps.
Running it again changes nothing.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.rules import AllOf, CourseCompleted
from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement
from microcred_web.awards import services as award_services
from microcred_web.awards.models import AwardRule
from microcred_web.issuing.demo import _png as badge_png
from microcred_web.learning import services as learning_services
from microcred_web.learning.models import Course
from microcred_web.orgs.models import Organisation
from microcred_web.skills import recommend_services, services
from microcred_web.skills.models import Alignment, JobRole, Skill

ORG_SLUG = "northwind"
ADMIN_EMAIL = "admin@northwind.example"
COURSE = "Stock control essentials"
ACHIEVEMENT = "Stock Control Practitioner"
SKILL_CODE = "WH-SC-01"
PATH = ("Warehouse operative", "Warehouse team lead")


def _course(organisation: Organisation, admin: User) -> Course:
    course = Course.objects.filter(organisation=organisation, title=COURSE).first()
    if course is not None:
        return course
    course = learning_services.course_create(
        organisation=organisation,
        actor=admin,
        values={
            "title": COURSE,
            "summary": "Cycle counts, stock records and resolving discrepancies.",
            "language": "en",
            "duration_minutes": 120,
            "self_enrol": True,
        },
    )
    for title, body in (
        ("Stock records", "Every movement is booked when it happens, not at the end of shift."),
        ("Cycle counts", "Count a few locations every day; investigate any difference at once."),
    ):
        module = learning_services.module_create(course=course, actor=admin, title=title)
        learning_services.block_create(
            module=module, actor=admin, kind="text", values={"body": body}
        )
    learning_services.course_publish(course=course, actor=admin)
    course.refresh_from_db()
    return course


def _achievement(organisation: Organisation, admin: User, skill: Skill) -> Achievement:
    achievement = Achievement.objects.filter(organisation=organisation, name=ACHIEVEMENT).first()
    if achievement is None:
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=admin,
            values={
                "name": ACHIEVEMENT,
                "description": "Keeps stock records accurate and runs cycle counts.",
                "criteria": "Completed the course Stock control essentials.",
                "achievement_type": "Badge",
            },
            image=SimpleUploadedFile("stock-control.png", badge_png((46, 125, 50)), "image/png"),
        )
        achievement_services.achievement_publish(achievement=achievement, actor=admin)
        achievement.refresh_from_db()
    if not Alignment.objects.filter(achievement=achievement).exists():
        services.alignment_set(achievement=achievement, actor=admin, rows=[(skill.pk, 3)])
        achievement.refresh_from_db()
    return achievement


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    skill = Skill.objects.filter(organisation=organisation, code=SKILL_CODE).first()
    if organisation is None or admin is None or skill is None:
        return {}
    course = _course(organisation, admin)
    achievement = _achievement(organisation, admin, skill)
    if not AwardRule.objects.filter(achievement=achievement).exists():
        award_services.award_rule_save(
            organisation=organisation,
            achievement=achievement,
            rule=AllOf((CourseCompleted(f"course:{course.public_id}", course.title),)),
            actor=admin,
            enabled=True,
        )
    source = JobRole.objects.filter(organisation=organisation, name=PATH[0]).first()
    target = JobRole.objects.filter(organisation=organisation, name=PATH[1]).first()
    if source is not None and target is not None:
        recommend_services.role_link_add(
            organisation=organisation, actor=admin, source=source, target=target
        )
    return {"career_steps": source.next_links.count() if source else 0}
