"""Demo assessment content for Northwind (idempotent):

- "Customer Care Essentials": a portfolio with a described rubric, and an RPL route;
- "Forklift Safety Level 1": the practical test as an observation the learner countersigns;
- "Dangerous Goods Awareness" (expires): a refresher observation for recertification.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.assessments import definitions
from microcred_web.assessments.models import Requirement
from microcred_web.orgs.models import Organisation

CARE = "Customer Care Essentials"
FORKLIFT = "Forklift Safety Level 1"
DANGEROUS_GOODS = "Dangerous Goods Awareness"
LEVELS = (
    ("Not yet", "Misses key steps of the service standard", 0),
    ("Competent", "Follows the service standard", 2),
    ("Exemplary", "Goes beyond the standard and coaches others", 3),
)


@dataclass(frozen=True)
class DemoRequirement:
    achievement: str
    kind: str
    purpose: str
    title: str
    instructions: str
    criteria: tuple[tuple[str, str], ...]
    countersignature_required: bool = False


REQUIREMENTS = (
    DemoRequirement(
        CARE,
        "portfolio",
        "initial",
        "Customer care portfolio",
        "Upload recordings or transcripts of real customer contacts (remove personal data) "
        "and reflect on each criterion: what you did, why, and what you would do next time.",
        (
            ("Resolves a complaint", "Listens, confirms the need and agrees a next step."),
            ("Writes a clear follow-up", "Plain words, correct facts, a named next step."),
        ),
    ),
    DemoRequirement(
        CARE,
        "rpl",
        "initial",
        "Prior customer-service experience",
        "Describe your earlier customer-service work or certificate and add a statement "
        "from a referee who saw your work.",
        (("Resolves a complaint", "Shown in earlier work, confirmed by a referee."),),
    ),
    DemoRequirement(
        FORKLIFT,
        "observation",
        "initial",
        "Practical forklift test",
        "Observed on the warehouse floor by an assessor or the learner's manager.",
        (
            ("Pre-use inspection recorded", ""),
            ("Lifts and stacks within the rated capacity", ""),
            ("Drives safely among pedestrians", ""),
        ),
        countersignature_required=True,
    ),
    DemoRequirement(
        DANGEROUS_GOODS,
        "observation",
        "recertification",
        "Refresher observation",
        "A short observation on the floor renews the awareness certificate.",
        (("Checks labels and placards", ""), ("Uses the spill kit correctly", "")),
    ),
)


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    admin = User.objects.filter(email="admin@northwind.example").first()
    if organisation is None:
        return {}
    for spec in REQUIREMENTS:
        achievement = Achievement.objects.filter(
            organisation=organisation, name=spec.achievement
        ).first()
        if achievement is None or (
            Requirement.objects.filter(achievement=achievement, title=spec.title).exists()
        ):
            continue
        requirement = definitions.requirement_create(
            organisation=organisation,
            actor=admin,
            achievement=achievement,
            kind=spec.kind,
            purpose=spec.purpose,
            title=spec.title,
            instructions=spec.instructions,
            countersignature_required=spec.countersignature_required,
        )
        for title, description in spec.criteria:
            definitions.criterion_add(
                requirement=requirement,
                actor=admin,
                title=title,
                description=description,
                levels=LEVELS if spec.kind != "observation" else (),
            )
    return {
        "assessment_requirements": Requirement.objects.filter(organisation=organisation).count()
    }
