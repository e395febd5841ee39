"""Demo assessment content for Northwind (idempotent):

- "Customer Care Essentials": a portfolio with a described rubric, and an RPL route;
- "Forklift Safety Level 1": the practical test as an observation the learner countersigns;
- "Dangerous Goods Awareness" (expires): a refresher observation for recertification.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement
from microcred_web.assessments import definitions
from microcred_web.assessments.models import (
    Assessment,
    AssessmentStatus,
    RefereeRequest,
    RefereeStatus,
    Requirement,
    Submission,
)
from microcred_web.common.hashing import token_hash
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
    _referee_claim(organisation)
    return {
        "assessment_requirements": Requirement.objects.filter(organisation=organisation).count()
    }


REFEREE_CLAIMANT = "aoife.byrne@northwind.example"


def _referee_claim(organisation: Organisation) -> None:
    """An RPL claim waiting for the assessor: one referee confirmed in their own words, one
    not answered yet (made directly: seeded history e-mails nobody)."""
    requirement = Requirement.objects.filter(
        organisation=organisation, title="Prior customer-service experience"
    ).first()
    learner = User.objects.filter(email=REFEREE_CLAIMANT).first()
    if requirement is None or learner is None:
        return
    if Assessment.objects.filter(requirement=requirement, learner=learner).exists():
        return
    now = timezone.now()
    referees = [
        {
            "name": "Niamh Kelly",
            "role": "Shift lead at a parcel depot",
            "email": "niamh.kelly@example.org",
            "statement": "Aoife handled our complaints desk on her own for a year.",
        },
        {
            "name": "Tomás Ruiz",
            "role": "Former customer-service manager",
            "email": "tomas.ruiz@example.org",
            "statement": "Aoife trained new colleagues in complaint handling.",
        },
    ]
    reflections = {
        str(c.public_id): "Two years on a parcel depot's complaints desk; I resolved most "
        "complaints at the first contact."
        for c in requirement.criteria.all()
    }
    prior = "Customer-service desk at a parcel depot, 2022–2024; in-house complaint course."
    submitted_at = now - timedelta(days=2)
    assessment = Assessment.objects.create(
        organisation=organisation,
        requirement=requirement,
        learner=learner,
        status=AssessmentStatus.SUBMITTED,
        draft_reflections=reflections,
        prior_learning=prior,
        referees=referees,
        submitted_at=submitted_at,
        due_at=now + timedelta(days=5),
    )
    Submission.objects.create(
        assessment=assessment,
        number=1,
        reflections=reflections,
        prior_learning=prior,
        referees=referees,
        submitted_at=submitted_at,
    )
    for number, referee in enumerate(referees):
        confirmed = number == 0
        RefereeRequest.objects.create(
            organisation=organisation,
            assessment=assessment,
            name=referee["name"],
            email=referee["email"],
            relationship=referee["role"],
            proposed_statement=referee["statement"],
            statement="I was Aoife's shift lead: she ran the complaints desk on her own for a "
            "year, calmly and by the book."
            if confirmed
            else "",
            status=RefereeStatus.CONFIRMED if confirmed else RefereeStatus.AWAITING,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            expires_at=now + timedelta(days=28),
            responded_at=now - timedelta(days=1) if confirmed else None,
        )
