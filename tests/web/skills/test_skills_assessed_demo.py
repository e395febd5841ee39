"""The demo shows assessed skills: rubric criteria, the manual handling course and its quiz
questions aligned; the learner who passed the quiz holds an assessed result; loading again
changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from microcred.skills import EvidenceKind
from microcred_web.accounts.models import User
from microcred_web.orgs.models import Organisation
from microcred_web.skills import selectors
from microcred_web.skills.models import (
    CourseAlignment,
    CriterionAlignment,
    QuestionAlignment,
    SkillEvidence,
)

pytestmark = pytest.mark.django_db


def test_demo_has_learning_alignments_and_assessed_quiz_evidence():
    call_command("load_demo", stdout=StringIO())
    northwind = Organisation.objects.get(slug="northwind")
    assert CriterionAlignment.objects.filter(organisation=northwind).count() >= 4
    assert CourseAlignment.objects.filter(organisation=northwind).count() == 1
    assert QuestionAlignment.objects.filter(organisation=northwind).exists()
    bjorn = User.objects.get(email="bjorn.andersson@northwind.example")  # passed the quiz
    rows = SkillEvidence.objects.filter(user=bjorn, kind=EvidenceKind.ASSESSED_RESULT)
    assert rows.exists() and all(r.source.startswith("quiz:") for r in rows)
    lines = {
        line.skill.code: line.state
        for line in selectors.profile_lines(organisation=northwind, user=bjorn)
    }
    trail_kinds = {row.kind for row in lines["WH-FL-02"].trail}
    assert EvidenceKind.ASSESSED_RESULT in trail_kinds
    counts = (
        SkillEvidence.objects.count(),
        CriterionAlignment.objects.count(),
        QuestionAlignment.objects.count(),
    )
    call_command("load_demo", stdout=StringIO())
    assert (
        SkillEvidence.objects.count(),
        CriterionAlignment.objects.count(),
        QuestionAlignment.objects.count(),
    ) == counts
