"""Demo of assessed skills (issue 17 items 2–3): the Northwind rubric criteria, the manual
handling course and its quiz questions aligned to skills; the learner who passed the quiz
then holds an *assessed result*, and an accepted portfolio would add the criteria's skills.

Runs after the skills demo; running it again changes nothing (an object that already has
skills keeps them).
"""

from __future__ import annotations

from microcred_web.accounts.models import User
from microcred_web.assessments.models import Criterion
from microcred_web.learning.models import Course, Question
from microcred_web.orgs.models import Membership, Organisation
from microcred_web.skills import learning_alignments
from microcred_web.skills.assessed_evidence import evidence_sync_assessed
from microcred_web.skills.demo import ADMIN_EMAIL, FRAMEWORK, ORG_SLUG
from microcred_web.skills.models import (
    CourseAlignment,
    CriterionAlignment,
    QuestionAlignment,
    Skill,
)

#: (requirement title, criterion title) → (skill code, level)
CRITERIA = {
    ("Customer care portfolio", "Resolves a complaint"): ("CC-01", 3),
    ("Customer care portfolio", "Writes a clear follow-up"): ("CC-02", 2),
    ("Prior customer-service experience", "Resolves a complaint"): ("CC-01", 3),
    ("Practical forklift test", "Pre-use inspection recorded"): ("WH-FL-01", 3),
    ("Practical forklift test", "Lifts and stacks within the rated capacity"): ("WH-FL-02", 3),
}
COURSE = "Safe manual handling"
#: the course and each of its quiz questions show this skill at this level
COURSE_SKILL = ("WH-FL-02", 1)


def _align(
    organisation: Organisation,
    admin: User,
    kind: str,
    pk: int,
    code: str,
    level: int,
    skills: dict[str, Skill],
) -> int:
    target = learning_alignments.target_get(organisation=organisation, kind=kind, object_id=pk)
    if target is None or code not in skills:
        return 0
    learning_alignments.learning_alignment_set(
        organisation=organisation, actor=admin, target=target, rows=[(skills[code].pk, level)]
    )
    return 1


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if organisation is None or admin is None:
        return {"learning_alignments": 0}
    skills = {
        s.code: s
        for s in Skill.objects.filter(organisation=organisation, framework__name=FRAMEWORK)
    }
    made = 0
    criteria = Criterion.objects.filter(requirement__organisation=organisation).select_related(
        "requirement"
    )
    for criterion in criteria:
        wanted = CRITERIA.get((criterion.requirement.title, criterion.title))
        if wanted and not CriterionAlignment.objects.filter(criterion=criterion).exists():
            made += _align(organisation, admin, "criterion", criterion.pk, *wanted, skills)
    course = Course.objects.filter(organisation=organisation, title=COURSE).first()
    if course is not None:
        if not CourseAlignment.objects.filter(course=course).exists():
            made += _align(organisation, admin, "course", course.pk, *COURSE_SKILL, skills)
        for question in Question.objects.filter(quiz__course=course):
            if not QuestionAlignment.objects.filter(question=question).exists():
                made += _align(organisation, admin, "question", question.pk, *COURSE_SKILL, skills)
    added = 0
    for membership in Membership.objects.filter(organisation=organisation, is_active=True):
        added += evidence_sync_assessed(organisation=organisation, user_id=membership.user_id)
    return {"learning_alignments": made, "assessed_evidence_added": added}
